/**
 * The Function trigger's call loop on a function the real addon serves (memory backend):
 * calls come from real callers, and what the loop reports reaches them.
 */
import type { IRun } from 'n8n-workflow';

import { CallServer, type CallSource } from '../../nodes/Function/call-server';
import type { IncomingCall } from '../../nodes/shared/addon-types';
import type { Served } from '../../nodes/shared/client';
import {
	CALLER,
	GLOBAL,
	createDeferredPromise,
	type Deferred,
	functions,
	outcome,
	run,
	useBackend,
} from './n8n-context';

useBackend('memory');

const ENDED_WITHOUT_RETURN = "Function 'probe' failed: its execution ended without reaching a Return from Function node";

const definition = {
	name: 'probe',
	scope: GLOBAL,
	parameters: [{ name: 'tag', type: 'string', required: true }],
	workflowId: 'wfProbe',
	workflowName: 'Probe',
	nodeName: 'probe',
	// The loop's reports are what is tested here, not running failed calls again.
	maxAttempts: 1,
};

interface Execution extends Deferred<IRun> {
	call: IncomingCall;
}

const quietLog = { debug: () => {}, warn: () => {} };

const servers: CallServer[] = [];

afterEach(async () => {
	await Promise.all(servers.splice(0).map((server) => server.close()));
});

interface SetUp {
	/** Every execution ends at once (without reaching Return from Function). */
	endAtOnce?: boolean;
	source?: (served: Served) => CallSource;
}

/** A call loop on the served "probe" function whose executions the test ends. */
async function setUp(options: SetUp = {}) {
	const served = await functions().serve(definition);
	const executions = new Map<string, Execution>();
	const fatal = createDeferredPromise<unknown>();
	let started: () => void = () => {};
	const server = new CallServer({
		source: options.source ? options.source(served) : served,
		runCall: async (call) => {
			const execution = { ...createDeferredPromise<IRun>(), call };
			executions.set(call.items[0].tag as string, execution);
			started();
			if (options.endAtOnce) execution.resolve(run('success'));
			return await execution.promise;
		},
		onFatal: (error) => fatal.resolve(error),
		log: quietLog,
	});
	servers.push(server);
	/** Resolves once `count` executions have started. */
	async function executionsStarted(count: number): Promise<void> {
		while (executions.size < count) await new Promise<void>((resolve) => (started = resolve));
	}
	return { server, executions, fatal: fatal.promise, executionsStarted };
}

/** A call of "probe" tagged `tag`; its outcome, to look at later. */
function call(tag: string, timeoutMs = 20_000) {
	return outcome(functions().call({ caller: CALLER, scope: GLOBAL, name: 'probe', items: [{ tag }], timeoutMs }));
}

describe('the Function trigger call loop', () => {
	it('starts every call without waiting for earlier executions to end', async () => {
		const { server, executions, executionsStarted } = await setUp();
		server.start();
		const calls = [call('c1'), call('c2'), call('c3')];
		await executionsStarted(3);
		expect([...executions.keys()].sort()).toEqual(['c1', 'c2', 'c3']);
		for (const execution of executions.values()) execution.resolve(run('success'));
		await Promise.all(calls);
	});

	it("reports each execution's end to its caller, with the failing error", async () => {
		const { server, executions, executionsStarted } = await setUp();
		server.start();
		const ok = call('ok');
		const broken = call('broken');
		await executionsStarted(2);
		executions.get('ok')!.resolve(run('success'));
		executions.get('broken')!.resolve(run('error', { message: 'boom', node: 'Code' }));
		expect(await ok).toMatchObject({ error: { message: ENDED_WITHOUT_RETURN } });
		expect(await broken).toMatchObject({ error: { message: `Function 'probe' failed: boom (node "Code")` } });
	});

	it('leaves the call open while its execution waits', async () => {
		const { server, executions, executionsStarted } = await setUp();
		server.start();
		const paused = call('paused');
		await executionsStarted(1);
		executions.get('paused')!.resolve(run('waiting'));
		await server.settled();
		// Still open: the execution resumes later and returns.
		expect(await functions().respond(executions.get('paused')!.call.context, 'resumed')).toBe(true);
		expect(await paused).toEqual({ value: 'resumed' });
	});

	it('answers a call whose execution ends after the trigger stopped', async () => {
		const { server, executions, executionsStarted } = await setUp();
		server.start();
		const late = call('late');
		await executionsStarted(1);
		await server.close();
		executions.get('late')!.resolve(run('success'));
		await server.settled();
		expect(await late).toMatchObject({ error: { message: ENDED_WITHOUT_RETURN } });
	});

	it('reports the end again when the first report fails', async () => {
		// The addon fails finished() only when its backend does, which a test cannot bring
		// about on demand: this source is the real served function whose first finished() fails.
		let failures = 0;
		const { server, executions, executionsStarted } = await setUp({
			source: (served) => ({
				next: () => served.next(),
				finished: async (context, error) => {
					if (failures++ === 0) throw Object.assign(new Error('Redis is out'), { code: 'REDIS_UNAVAILABLE' });
					return await served.finished(context, error);
				},
				parked: (context) => served.parked(context),
				close: () => served.close(),
			}),
		});
		server.start();
		const unreported = call('unreported');
		await executionsStarted(1);
		executions.get('unreported')!.resolve(run('error', { message: 'boom', node: 'Code' }));
		expect(await unreported).toMatchObject({ error: { message: `Function 'probe' failed: boom (node "Code")` } });
	});

	it('hands a failing next() to n8n as a trigger error', async () => {
		// The addon's next() does not reject (it retries a lost Redis itself); a test cannot
		// make it fail: this source is the real served function with next() failing.
		const { server, fatal } = await setUp({
			source: (served) => ({
				next: async () => {
					throw new Error('REDIS_UNAVAILABLE: gone');
				},
				finished: (context, error) => served.finished(context, error),
				parked: (context) => served.parked(context),
				close: () => served.close(),
			}),
		});
		server.start();
		expect(await fatal).toMatchObject({ message: 'REDIS_UNAVAILABLE: gone' });
	});

	it('stops taking calls when closed', async () => {
		const { server, executions } = await setUp();
		server.start();
		await server.close();
		const unserved = await call('after-close', 300);
		expect(unserved).toMatchObject({ error: { message: expect.stringContaining('no running Function trigger took the call') } });
		expect(executions.size).toBe(0);
	});
});
