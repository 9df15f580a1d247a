/**
 * The event feed tells a call's life in order, through the real Redis and in memory: a
 * call that returned, one that failed, and one taken over after its consumer's process died.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';

import { addon, Client, consume, definition, freshClient, GLOBAL, REDIS_URL, Served } from '../support/addon';
import { eventsUntil, kindsOf, Watcher } from '../support/events';

/**
 * The caller records `queued` when Redis has the call, the consumer `picked-up` when it read
 * it: the two happen at the same moment, each recorded in its own process, and may come in
 * either order. Everything else of a call comes in the order it happened.
 */
function inOrder(kinds: string[]): string[] {
	const [first, second, ...rest] = kinds;
	return first === 'picked-up' && second === 'queued' ? [second, first, ...rest] : kinds;
}

describe.each(['redis', 'memory'] as const)('the event feed through the %s backend', (backend) => {
	let client: Client;
	let watcher: Watcher;
	const served: Served[] = [];

	beforeEach(async () => {
		client = freshClient(backend);
		watcher = await client.watch();
	});

	afterEach(async () => {
		watcher.close();
		await Promise.all(served.splice(0).map((s) => s.close()));
	});

	async function serve(handle: Parameters<typeof consume>[1]) {
		const function_ = await client.serve(definition('add'));
		served.push(function_);
		void consume(function_, handle);
	}

	test('a call that returns: served, queued, picked up, started, returned', async () => {
		let callId = '';
		await serve(async (call) => {
			callId = call.context.callId;
			await client.start(call.context); // what the Function node's first step does
			await client.respond(call.context, 5);
		});
		await client.call({ scope: GLOBAL, name: 'add', items: [{ a: 2, b: 3 }] });
		const events = await eventsUntil(watcher, (seen) => seen.some((e) => e.kind === 'returned'));
		expect(events[0]).toMatchObject({ kind: 'served', function: '__global__/add' });
		expect(inOrder(kindsOf(events, callId))).toEqual(['queued', 'picked-up', 'started', 'returned']);
		const pickedUp = events.find((e) => e.kind === 'picked-up');
		expect(pickedUp).toMatchObject({ attempt: 1 });
		expect(pickedUp?.who).toMatch(/^.+:\d+:[0-9a-f]{8}$/);
	});

	test('a call whose execution fails: failed with its error, and dead-lettered where Redis keeps dead letters', async () => {
		let callId = '';
		await serve(async (call) => {
			callId = call.context.callId;
			await served[0].finished(call.context, 'the database was down');
		});
		await expect(client.call({ scope: GLOBAL, name: 'add', items: [{ a: 1 }] })).rejects.toThrow(/the database was down/);
		const events = await eventsUntil(watcher, (seen) => seen.some((e) => e.kind === 'failed'));
		const expected = backend === 'redis' ? ['queued', 'picked-up', 'dead-lettered', 'failed'] : ['queued', 'picked-up', 'failed'];
		expect(inOrder(kindsOf(events, callId))).toEqual(expected);
		expect(events.find((e) => e.kind === 'failed')?.message).toBe('the database was down');
	});

	test('a watcher that is closed stops waiting', async () => {
		const next = watcher.next();
		watcher.close();
		expect((await next).events).toEqual([]);
	});
});

describe('the event feed when a consumer dies (Redis)', () => {
	const HEARTBEAT_MS = '200';
	let previous: string | undefined;

	beforeAll(() => {
		previous = process.env.N8N_FUNCTIONS_HEARTBEAT_MS;
		process.env.N8N_FUNCTIONS_HEARTBEAT_MS = HEARTBEAT_MS;
	});

	afterAll(() => {
		if (previous === undefined) delete process.env.N8N_FUNCTIONS_HEARTBEAT_MS;
		else process.env.N8N_FUNCTIONS_HEARTBEAT_MS = previous;
	});

	test('its call is reclaimed by a live consumer and answered; its heartbeat is reported lost', async () => {
		const keyPrefix = `test:${Math.random().toString(16).slice(2, 10)}:`;
		const client = new addon.FunctionsClient({ url: REDIS_URL, keyPrefix });
		const watcher = await client.watch();
		// A consumer in a process of its own that holds every call for a minute.
		const child = spawn(process.execPath, [path.join(__dirname, '..', 'support', 'serve-add.js'), REDIS_URL, keyPrefix, '60000'], {
			env: { ...process.env, N8N_FUNCTIONS_HEARTBEAT_MS: HEARTBEAT_MS },
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		await new Promise((resolve) => child.stdout.once('data', resolve));
		const answer = client.call({ scope: GLOBAL, name: 'add', items: [{ a: 20, b: 22 }], timeoutMs: 20_000 });
		answer.catch(() => undefined); // awaited below; a failure before that fails the test there
		const beforeDeath = await eventsUntil(watcher, (seen) => seen.some((e) => e.kind === 'picked-up'));
		const { callId, who: deadConsumer } = beforeDeath.find((e) => e.kind === 'picked-up')!;
		child.kill('SIGKILL');

		// The same function, as the child's Function node declares it.
		const survivor = await client.serve(
			definition('add', {
				workflowId: 'wfChild',
				workflowName: 'Child',
				parameters: [
					{ name: 'a', type: 'number', required: true },
					{ name: 'b', type: 'number', required: true },
				],
			}),
		);
		void consume(survivor, (call) => void client.respond(call.context, { sum: 42 }));
		try {
			expect(await answer).toEqual({ sum: 42 });
			const afterDeath = await eventsUntil(
				watcher,
				(seen) => seen.some((e) => e.kind === 'heartbeat-lost' && e.who === deadConsumer) && seen.some((e) => e.kind === 'returned'),
			);
			const events = [...beforeDeath, ...afterDeath];
			expect(inOrder(kindsOf(events, callId!))).toEqual(['queued', 'picked-up', 'reclaimed', 'returned']);
			expect(events.find((e) => e.kind === 'reclaimed')).toMatchObject({ attempt: 2 });
			expect(events.filter((e) => e.kind === 'heartbeat-lost').map((e) => e.who)).toContain(deadConsumer);
		} finally {
			watcher.close();
			await survivor.close();
		}
	});
});
