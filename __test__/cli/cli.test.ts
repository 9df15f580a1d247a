/**
 * The n8n-functions command against the real Redis, as an operator runs it: status for
 * scripts and health checks, watch following the feed live, and dead letters sent again.
 */
import { randomUUID } from 'node:crypto';

import { main } from '../../cli/main';
import type { Output } from '../../cli/output';
import { addon, Client, consume, definition, GLOBAL, REDIS_URL, Served } from '../support/addon';

/** An Output that keeps what a command wrote; `answer` is what a person would type. */
function terminal(answer?: string) {
	const lines: { out: string[]; err: string[] } = { out: [], err: [] };
	const stop = new AbortController();
	const waiting: Array<() => void> = [];
	const wrote = () => waiting.splice(0).forEach((wake) => wake());
	const output: Output = {
		out: (line) => (lines.out.push(line), wrote()),
		err: (line) => (lines.err.push(line), wrote()),
		ask: async () => answer,
		stop: stop.signal,
	};
	/** Resolves once a line matching `pattern` was written to `stream`. */
	const written = async (stream: 'out' | 'err', pattern: RegExp): Promise<string> => {
		for (;;) {
			const found = lines[stream].find((line) => pattern.test(line));
			if (found) return found;
			await new Promise<void>((wake) => waiting.push(wake));
		}
	};
	return { output, lines, stop, written };
}

describe('n8n-functions', () => {
	let keyPrefix: string;
	let client: Client;
	const served: Served[] = [];
	const run = (args: string[], term = terminal()) => main([...args, `--url=${REDIS_URL}`, `--prefix=${keyPrefix}`], term.output);

	beforeEach(() => {
		keyPrefix = `test:${randomUUID().slice(0, 8)}:`;
		client = new addon.FunctionsClient({ url: REDIS_URL, keyPrefix });
	});

	afterEach(async () => {
		await Promise.all(served.splice(0).map((s) => s.close()));
	});

	async function serve(handle: Parameters<typeof consume>[1]) {
		const function_ = await client.serve(definition('add'));
		served.push(function_);
		void consume(function_, handle);
		return function_;
	}

	test('status --json lists each function with its trigger and open calls, and exits 0 while healthy', async () => {
		const held: Parameters<Parameters<typeof consume>[1]>[0][] = [];
		await serve((call) => void held.push(call));
		const call = client.call({ scope: GLOBAL, name: 'add', items: [{ a: 1 }] });
		while (held.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));

		const term = terminal();
		expect(await run(['status', '--json'], term)).toBe(0);
		const report = JSON.parse(term.lines.out.join('\n'));
		expect(report.healthy).toBe(true);
		expect(report.functions).toHaveLength(1);
		expect(report.functions[0]).toMatchObject({
			scope: GLOBAL,
			name: 'add',
			workflowId: 'wfMath',
			parameters: ['a: number', 'b?: number'],
			live: true,
			openCalls: 1,
			inFlight: 1,
			deadLetters: 0,
			problems: [],
		});
		expect(report.functions[0].consumers).toEqual([expect.objectContaining({ live: true })]);
		expect(report.functions[0].calls[0]).toMatchObject({ callId: held[0].context.callId, heldBy: report.functions[0].consumers[0].name });

		await client.respond(held[0].context, 11);
		await call;
	});

	test('status exits 1 when calls wait and no Function trigger is live', async () => {
		const function_ = await serve(() => undefined);
		await function_.close(); // n8n's main process stopped: calls wait for it
		const waiting = client.call({ scope: GLOBAL, name: 'add', items: [{ a: 1 }], timeoutMs: 2000 }).catch(() => undefined);
		const term = terminal();
		for (;;) {
			term.lines.out.length = 0;
			if ((await run(['status'], term)) !== 0) break; // until the call is in the stream
		}
		expect(term.lines.out.join('\n')).toMatch(/PROBLEM: 1 call waiting and no live Function trigger: activate workflow 'Math' \(id wfMath\)/);
		await waiting;
	});

	test('watch prints each event as it happens, the first within moments of the call', async () => {
		await serve((call) => void client.respond(call.context, 3));
		const term = terminal();
		const watching = run(['watch', 'add', '--json'], term);
		await term.written('err', /^Watching the functions '__global__\/add' at redis:/);

		const sent = Date.now();
		await client.call({ scope: GLOBAL, name: 'add', items: [{ a: 1, b: 2 }] });
		const queued = JSON.parse(await term.written('out', /"kind":"queued"/));
		const arrived = Date.now() - sent;
		await term.written('out', /"kind":"returned"/);
		term.stop.abort();
		expect(await watching).toBe(0);

		expect(queued).toMatchObject({ function: '__global__/add', callId: expect.any(String) });
		// The issue asks for 100 ms; the bound is generous so a loaded CI machine passes too.
		expect(arrived).toBeLessThan(1000);
	});

	test('dead retry sends a dead-lettered call again and prints its answer; the dead letter is gone', async () => {
		let runs = 0;
		const function_ = await serve((call) => {
			runs += 1;
			if (runs === 1) void function_.finished(call.context, 'the database was down');
			else void client.respond(call.context, { sum: 5 });
		});
		await expect(client.call({ scope: GLOBAL, name: 'add', items: [{ a: 2, b: 3 }] })).rejects.toThrow(/the database was down/);

		const listed = terminal();
		expect(await run(['dead', 'list', 'add', '--json'], listed)).toBe(0);
		const [letter] = JSON.parse(listed.lines.out.join('\n'));
		expect(letter.reason).toBe('the database was down');

		const retried = terminal();
		expect(await run(['dead', 'retry', 'add', letter.id], retried)).toBe(0);
		expect(JSON.parse(retried.lines.out.join('\n'))).toEqual({ sum: 5 });
		const after = terminal();
		await run(['dead', 'list', 'add', '--json'], after);
		expect(JSON.parse(after.lines.out.join('\n'))).toEqual([]);
	});

	test('dead purge asks first: nothing is dropped without the function name typed or --yes', async () => {
		const function_ = await serve((call) => void function_.finished(call.context, 'no'));
		await expect(client.call({ scope: GLOBAL, name: 'add', items: [{ a: 1 }] })).rejects.toThrow(/no/);

		const noTerminal = terminal(undefined);
		expect(await run(['dead', 'purge', 'add'], noTerminal)).toBe(2);
		expect(noTerminal.lines.err.join('\n')).toMatch(/needs a confirmation: run it in a terminal, or add --yes/);
		const wrongAnswer = terminal('yes');
		expect(await run(['dead', 'purge', 'add'], wrongAnswer)).toBe(1);
		expect(await client.deadLetters(GLOBAL, 'add')).toHaveLength(1);

		const confirmed = terminal('add');
		expect(await run(['dead', 'purge', 'add'], confirmed)).toBe(0);
		expect(confirmed.lines.out).toEqual(['Dropped 1 dead letter of __global__/add.']);
		expect(await client.deadLetters(GLOBAL, 'add')).toEqual([]);
	});

	test('a mistyped command line gets the usage or names the flag, and exit code 2', async () => {
		const unknown = terminal();
		expect(await run(['stauts'], unknown)).toBe(2);
		expect(unknown.lines.err.join('\n')).toMatch(/^n8n-functions: Unknown command 'stauts'\.\n\nUsage: n8n-functions <command>/);
		const badCount = terminal();
		expect(await run(['dead', 'list', 'add', '--count=lots'], badCount)).toBe(2);
		expect(badCount.lines.err).toEqual(['n8n-functions: --count is a whole number above 0, e.g. --count=20']);
	});

	test('an unreachable Redis is named, with what to check, and exit code 2', async () => {
		const term = terminal();
		expect(await main(['status', '--url=redis://127.0.0.1:1'], term.output)).toBe(2);
		expect(term.lines.err.join('\n')).toMatch(/^n8n-functions: Cannot reach Redis at redis:\/\/127\.0\.0\.1:1\/? \(from the url option\).*Check that Redis runs there/);
	});
});
