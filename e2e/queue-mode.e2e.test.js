// Every scenario in queue mode: one main, two workers (`n8n worker`), PostgreSQL and Redis, with
// the package's `npm pack` tarball installed into the n8n user folder's nodes/ the way n8n's
// community-package installer does. One topology for the whole file; the restart comes last.
'use strict';
const path = require('node:path');
const { spawn } = require('node:child_process');
const { startN8nTopology } = require('./support/topology');
const { sharedEnv } = require('./support/n8n-env');
const { waitUntil } = require('./support/wait-until');
const { GLOBAL, workflowFile, idOf, timedWebhook, executionIds, newExecutions, waitForLiveFunctions } = require('./support/functions');
const { FILES: CORE_FILES, CORE_FUNCTIONS, CORE_CALLERS, CORE_WORKFLOW_FILES, activateAll, defineCoreScenarios } = require('./scenarios/core');
const {
	LIVE_FILES,
	LIVE_FUNCTIONS,
	LIVE_CALLERS,
	liveGreetId,
	liveCallerId,
	liveGreetChoices,
	liveGreetFields,
	callLiveGreet,
	changeLiveGreet,
	addPunctuation,
} = require('./scenarios/live-change');
const { defineCallerPolicyScenarios } = require('./scenarios/caller-policy');

const QUEUE_FILES = {
	factorial: workflowFile('recursion-factorial.json'),
	chainA: workflowFile('chain-a-caller.json'),
	chainB: workflowFile('chain-b-decorate.json'),
	chainC: workflowFile('chain-c-shout.json'),
	where: workflowFile('balance-where.json'),
	balanceCaller: workflowFile('balance-caller.json'),
	restartCaller: workflowFile('restart-caller.json'),
};
const QUEUE_FUNCTIONS = [
	...CORE_FUNCTIONS,
	{ file: QUEUE_FILES.factorial, name: 'factorial', local: true },
	{ file: QUEUE_FILES.chainC, name: 'shout' },
	{ file: QUEUE_FILES.chainB, name: 'decorate' },
	{ file: QUEUE_FILES.where, name: 'whereAmI' },
	...LIVE_FUNCTIONS,
];
const QUEUE_CALLERS = [...CORE_CALLERS, QUEUE_FILES.chainA, QUEUE_FILES.balanceCaller, ...LIVE_CALLERS, QUEUE_FILES.restartCaller];

const WORKERS = 2; // at n8n's default concurrency (10): worker-slots.e2e.test.js is about slots

describe('queue mode: main + 2 workers, PostgreSQL, Redis, package installed from its npm tarball', () => {
	let n8n;
	const getN8n = () => n8n;

	beforeAll(async () => {
		n8n = await startN8nTopology({
			mode: 'queue',
			workers: WORKERS,
			install: 'package',
			env: { N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false' }, // whereAmI returns $env.E2E_PROCESS_NAME
			workflowFiles: [...CORE_WORKFLOW_FILES, ...Object.values(LIVE_FILES), ...Object.values(QUEUE_FILES)],
		});
		if (!n8n.extension.hasNodes) throw new Error(`no dist/ in ${n8n.extension.folder}: run \`npm run build\` first`);
		await n8n.timer.time('activate', () => activateAll(n8n, QUEUE_FUNCTIONS, QUEUE_CALLERS));
	}, 360_000);

	afterAll(() => n8n?.stop(), 90_000);

	defineCoreScenarios(getN8n);
	defineCallerPolicyScenarios(getN8n);

	describe('6. concurrency', () => {
		test('50 simultaneous webhook requests with distinct input: every response carries its own result', async () => {
			const responses = await Promise.all(
				Array.from({ length: 50 }, (_, i) => n8n.webhook('add', { query: { a: i, b: 1000 }, timeoutMs: 90_000 })),
			);
			expect(responses.map((r) => [r.status, r.body])).toEqual(Array.from({ length: 50 }, (_, i) => [200, { sum: i + 1000 }]));
		}, 150_000);
	});

	describe('7. recursion', () => {
		test('factorial calls itself down to depth 5 and returns 120, no deadlock on the workers', async () => {
			const response = await timedWebhook(n8n, 'factorial', { query: { n: 5 } });
			expect({ status: response.status, body: response.body }).toEqual({ status: 200, body: { result: 120 } });
			expect(response.seconds).toBeLessThan(30); // any call stuck waiting for a slot would time out at 30 s
		});
	});

	describe('8. chains', () => {
		test('A calls decorate in B, which calls shout in C: the values flow back', async () => {
			const response = await n8n.webhook('chain', { query: { name: 'Ada' } });
			expect({ status: response.status, body: response.body }).toEqual({ status: 200, body: { greeting: 'HELLO, ADA!', path: ['B', 'C'] } });
		});
	});

	describe('9. load balancing', () => {
		test("the function's executions run on both workers (the process each returns, checked against the executions n8n recorded)", async () => {
			const functionWorkflow = idOf(QUEUE_FILES.where);
			const seen = new Map(); // execution id → process
			// 20 calls at once spread over both workers; a few rounds make "all on one" vanishingly unlikely.
			for (let round = 0; round < 3 && new Set(seen.values()).size < WORKERS; round++) {
				const response = await n8n.webhook('balance', { method: 'POST', body: { items: Array.from({ length: 20 }, () => ({})) } });
				expect(response.status).toBe(200);
				expect(response.body).toHaveLength(20);
				for (const { execution, process } of response.body) seen.set(execution, process);
			}
			expect([...new Set(seen.values())].sort()).toEqual(['worker-1', 'worker-2']);
			// Each execution that answered is recorded as successful (its end is saved a moment after).
			let notYet = [];
			await waitUntil(
				`the ${seen.size} executions of whereAmI recorded as successful`,
				async () => {
					const recorded = new Map((await n8n.executions(functionWorkflow)).map((e) => [e.id, e.status]));
					notYet = [...seen.keys()].filter((id) => recorded.get(id) !== 'success').map((id) => `${id}: ${recorded.get(id)}`);
					return notYet.length === 0;
				},
				{ timeoutMs: 30_000, intervalMs: 300, hint: () => `not (yet) successful: ${notYet.join(', ')}` },
			);
		});
	});

	describe('10. change while live', () => {
		test('saving a new parameter while calls are in flight: nothing hangs, and the dropdown and fields show it without toggling the workflow', async () => {
			expect(await liveGreetChoices(n8n)).toEqual([{ name: 'liveGreet(name: string) – Greets, slowly', value: 'liveGreet', description: 'Greets, slowly' }]);
			expect(await liveGreetFields(n8n)).toEqual([['name', 'string', true]]);

			const inFlight = Array.from({ length: 10 }, (_, i) => callLiveGreet(n8n, `in-flight-${i}`));
			await waitUntil('calls to liveGreet in flight (open in its stream)', async () => (await n8n.openCalls(GLOBAL, 'liveGreet')) > 0, {
				timeoutMs: 30_000,
				intervalMs: 100,
			});
			// The editor's dropdown and fields show the new parameter: no deactivate/activate.
			await addPunctuation(n8n);
			expect(await liveGreetFields(n8n)).toEqual([
				['name', 'string', true],
				['punctuation', 'string', false],
			]);

			// Calls after the change run the new version, its default applied.
			const after = await Promise.all(Array.from({ length: 6 }, (_, i) => callLiveGreet(n8n, `after-${i}`)));
			expect(after.map((r) => r.body)).toEqual(Array.from({ length: 6 }, (_, i) => ({ greeting: `Hello after-${i}!`, version: 2 })));

			// Calls in flight during the change were answered by the old version or the new one, or
			// failed with a clear message; none waited for its timeout (60 s).
			for (const [i, response] of (await Promise.all(inFlight)).entries()) {
				expect(response.status).toBe(200);
				expect(response.seconds).toBeLessThan(45);
				const { body } = response;
				if (body.error !== undefined) {
					expect(body.error).toMatch(/^(Wrong arguments for global function 'liveGreet'|Function 'liveGreet' failed: )/);
				} else if (body.version === 1) {
					expect(body).toEqual({ greeting: `Hello in-flight-${i}`, version: 1 });
				} else {
					// A call queued under the old definition gets the new default from the new trigger.
					expect(body).toEqual({ greeting: `Hello in-flight-${i}!`, version: 2 });
				}
			}

			// n8n recorded every execution of the function and of its caller as finished.
			for (const workflowId of [liveGreetId(), liveCallerId()]) {
				await waitUntil(
					`no execution of ${workflowId} still running`,
					async () => (await n8n.executions(workflowId)).every((e) => !['new', 'running', 'waiting'].includes(e.status)),
					{ timeoutMs: 30_000, intervalMs: 500 },
				);
			}
		}, 150_000);

		// A deactivation is a person's decision: calls waiting for the function and calls made
		// after it fail at once, saying so. Published again with a new parameter, calls get
		// the new definition's default (a call queued across a change: tests/definition_changes.rs).
		test('a deactivated function fails its calls at once, saying so; published again, calls get its new defaults', async () => {
			await n8n.rest.deactivate(liveGreetId());
			let response;
			await waitUntil(
				'a call to the deactivated liveGreet failing with "was deactivated"',
				async () => {
					response = await callLiveGreet(n8n, 'Late');
					return String(response.body?.error ?? '').includes('was deactivated');
				},
				{ timeoutMs: 30_000, intervalMs: 250 },
			);
			expect(response.body.error).toBe(
				"The global function 'liveGreet' is not active: its workflow 'Live change: greet' (id e2eLiveGreet001) was deactivated. Activate it and call again.",
			);
			expect(response.seconds).toBeLessThan(5); // not the call's timeout (60 s)
			const after = await callLiveGreet(n8n, 'After');
			expect(after.body.error).toBe(response.body.error);
			expect(after.seconds).toBeLessThan(2);

			await changeLiveGreet(n8n, {
				addParameter: { name: 'salutation', type: 'string', defaultValue: 'Hi' },
				returnValue: "={{ { greeting: $json.salutation + ' ' + $json.name + $json.punctuation, version: 3 } }}",
			});
			await waitUntil('liveGreet callable again', async () => (await callLiveGreet(n8n, 'Again')).body?.version === 3, {
				timeoutMs: 30_000,
				intervalMs: 250,
			});
			expect((await callLiveGreet(n8n, 'Again')).body).toEqual({ greeting: 'Hi Again!', version: 3 });
		}, 120_000);
	});

	describe('24. see what functions are doing', () => {
		/** The installed package's command, run as an operator runs it: with the n8n processes' environment. */
		function n8nFunctions(args) {
			const command = path.join(n8n.extension.folder, 'dist', 'cli', 'n8n-functions.js');
			// `node` from the environment's PATH: the Node that runs n8n.
			const child = spawn('node', [command, ...args], { env: sharedEnv(n8n.run), stdio: ['ignore', 'pipe', 'pipe'] });
			const output = { out: '', err: '' };
			child.stdout.on('data', (chunk) => (output.out += chunk));
			child.stderr.on('data', (chunk) => (output.err += chunk));
			const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
			return { child, output, exited };
		}

		test('n8n-functions finds n8n\'s Redis as the nodes do: status shows add served by main, watch follows a call from main to a worker', async () => {
			const status = n8nFunctions(['status', '--json']);
			expect(await status.exited).toBe(0);
			const add = JSON.parse(status.output.out).functions.find((f) => f.name === 'add' && f.scope === GLOBAL);
			expect(add).toMatchObject({ live: true, workflowId: idOf(CORE_FILES.add), problems: [] });
			const triggers = add.consumers.filter((c) => c.live);
			expect(triggers).toHaveLength(1); // main's Function trigger

			const watch = n8nFunctions(['watch', 'add', '--json']);
			await waitUntil('n8n-functions watch to start', async () => watch.output.err.includes('Watching'), { timeoutMs: 30_000, intervalMs: 50 });
			const response = await n8n.webhook('add', { query: { a: 40, b: 2 } });
			expect(response.body).toEqual({ sum: 42 });
			const events = () => watch.output.out.split('\n').filter(Boolean).map((line) => JSON.parse(line));
			await waitUntil('the call returned, on the feed', async () => events().some((e) => e.kind === 'returned'), { timeoutMs: 30_000, intervalMs: 50 });
			watch.child.kill('SIGINT');
			expect(await watch.exited).toBe(0);

			const [call] = events().filter((e) => e.kind === 'queued').map((e) => e.callId);
			const life = events().filter((e) => e.callId === call);
			expect(life.map((e) => e.kind).sort()).toEqual(['picked-up', 'queued', 'returned', 'started']);
			// Picked up by main's Function trigger, run by a worker's execution: another process (host:pid).
			const who = (kind) => life.find((e) => e.kind === kind).who;
			expect(who('picked-up')).toBe(triggers[0].name);
			const processOf = (name) => name.split(':').slice(0, 2).join(':');
			expect(processOf(who('started'))).not.toBe(processOf(who('picked-up')));
		}, 90_000);
	});

	describe('11. restart', () => {
		test('main stopped while calls wait in Redis, then started again: the queued calls are served within their deadlines', async () => {
			const caller = idOf(QUEUE_FILES.restartCaller);
			const before = await executionIds(n8n, caller);
			// Each caller answers its webhook at once, waits 8 s on a worker, then calls add (timeout 120 s).
			const accepted = await Promise.all(Array.from({ length: 5 }, (_, i) => n8n.webhook('restart', { query: { a: i, b: 100 } })));
			expect(accepted.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);

			await n8n.stopMain();
			await waitUntil('5 calls to add queued in Redis while main is down', async () => (await n8n.openCalls(GLOBAL, 'add')) >= 5, {
				timeoutMs: 60_000,
				intervalMs: 250,
			});
			await n8n.startMain();

			const executions = await newExecutions(n8n, caller, before, { count: 5, timeoutMs: 150_000 });
			const results = executions.map((execution) => {
				const [call] = execution.data.resultData.runData['Call add'];
				return { status: execution.status, sum: call.data?.main[0][0].json.sum, answeredWithinDeadline: call.executionTime < 120_000 };
			});
			expect(results.sort((x, y) => x.sum - y.sum)).toEqual(
				Array.from({ length: 5 }, (_, i) => ({ status: 'success', sum: i + 100, answeredWithinDeadline: true })),
			);

			// The new main serves webhooks and the function again.
			await waitForLiveFunctions(n8n, [{ name: 'add', workflowId: idOf(CORE_FILES.add) }]);
			const response = await n8n.webhook('add', { query: { a: 20, b: 22 } });
			expect(response.body).toEqual({ sum: 42 });
		}, 300_000);
	});
});
