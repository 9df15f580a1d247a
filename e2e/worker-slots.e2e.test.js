// Worker slots in queue mode, at n8n's default settings unless a test is about them: a Call
// Function waiting for its answer holds a slot of its worker, and the function's execution
// needs one too. Load and recursion that n8n's own Execute Workflow survives must not starve
// the workers here either: every call is answered with its value, and no execution is left
// running (docs/ARCHITECTURE.md, "Where a call runs").
'use strict';
const path = require('node:path');
const { startN8nTopology } = require('./support/topology');
const { redisUrl } = require('./support/redis');
const { waitUntil } = require('./support/wait-until');
const { workflowFile, idOf, executionIds, newExecutions, nodeOutput, timedWebhook } = require('./support/functions');
const { activateAll } = require('./scenarios/core');

const repoRoot = path.join(__dirname, '..');
const FILES = {
	add: path.join(repoRoot, 'examples', 'function-add.json'),
	callAdd: path.join(repoRoot, 'examples', 'call-add.json'),
	factorial: workflowFile('recursion-factorial.json'),
	square: workflowFile('items-square.json'),
	itemsCallers: workflowFile('items-callers.json'),
	slowDouble: workflowFile('crash-slow-double.json'),
};

const UNFINISHED = new Set(['new', 'running', 'waiting']);

/** Waits until n8n recorded `count` executions of each workflow since `before`, all finished. */
async function expectAllFinished(n8n, counts) {
	let last = {};
	await waitUntil(
		'every execution recorded as finished',
		async () => {
			for (const [workflowId, { before, count }] of Object.entries(counts)) {
				const fresh = (await n8n.executions(workflowId)).filter((execution) => !before.has(execution.id));
				last[workflowId] = fresh.reduce((tally, { status }) => ({ ...tally, [status]: (tally[status] ?? 0) + 1 }), {});
				if (fresh.length < count || fresh.some((execution) => UNFINISHED.has(execution.status))) return false;
			}
			return true;
		},
		{ timeoutMs: 60_000, intervalMs: 500, hint: () => `statuses so far: ${JSON.stringify(last)}` },
	);
	return last;
}

describe('queue mode, one worker at n8n\'s default concurrency (10)', () => {
	let n8n;

	beforeAll(async () => {
		n8n = await startN8nTopology({ mode: 'queue', workers: 1, install: 'package', workflowFiles: [FILES.add, FILES.callAdd] });
		await n8n.timer.time('activate', () => activateAll(n8n, [{ file: FILES.add, name: 'add' }], [FILES.callAdd]));
	}, 360_000);

	afterAll(() => n8n?.stop(), 90_000);

	test('100 simultaneous webhook requests, each making one call: every one answered with its own sum', async () => {
		const callers = idOf(FILES.callAdd);
		const functions = idOf(FILES.add);
		const before = { [callers]: await executionIds(n8n, callers), [functions]: await executionIds(n8n, functions) };
		const responses = await Promise.all(
			Array.from({ length: 100 }, (_, i) => n8n.webhook('add', { query: { a: i, b: 1000 }, timeoutMs: 170_000 })),
		);
		expect(responses.map((r) => [r.status, r.body])).toEqual(Array.from({ length: 100 }, (_, i) => [200, { sum: i + 1000 }]));
		const statuses = await expectAllFinished(n8n, {
			[callers]: { before: before[callers], count: 100 },
			[functions]: { before: before[functions], count: 100 },
		});
		expect(statuses[callers]).toEqual({ success: 100 });
		// Every call ran once to its answer: in a function execution of its own, or inside the
		// caller's (a sub-execution). A function execution started after its caller took the
		// call back runs nothing and succeeds too.
		expect(Object.keys(statuses[functions])).toEqual(['success']);
	}, 240_000);
});

describe('queue mode, one worker at --concurrency=2', () => {
	let n8n;

	beforeAll(async () => {
		n8n = await startN8nTopology({
			mode: 'queue',
			workers: 1,
			workerConcurrency: 2,
			install: 'package',
			workflowFiles: [FILES.factorial, FILES.square, FILES.itemsCallers],
		});
		await n8n.timer.time('activate', () =>
			activateAll(
				n8n,
				[
					{ file: FILES.factorial, name: 'factorial', local: true },
					{ file: FILES.square, name: 'square' },
				],
				[FILES.itemsCallers],
			),
		);
	}, 360_000);

	afterAll(() => n8n?.stop(), 90_000);

	test('a function calling itself to depth 20 answers factorial(20)', async () => {
		const workflow = idOf(FILES.factorial);
		const before = await executionIds(n8n, workflow);
		const response = await timedWebhook(n8n, 'factorial', { query: { n: 20 }, timeoutMs: 90_000 });
		expect({ status: response.status, body: response.body }).toEqual({ status: 200, body: { result: 2432902008176640000 } });
		// The webhook's execution and the 20 calls' executions (triggered or run inside their caller).
		const statuses = await expectAllFinished(n8n, { [workflow]: { before, count: 21 } });
		expect(Object.keys(statuses[workflow])).toEqual(['success']);
	}, 120_000);

	test('one Call Function with 50 items: all 50 answered, in input order, each paired with its item', async () => {
		const caller = idOf(FILES.itemsCallers);
		const before = await executionIds(n8n, caller);
		const items = Array.from({ length: 50 }, (_, i) => ({ x: i + 1 }));
		const response = await n8n.webhook('items/each', { method: 'POST', body: { items }, timeoutMs: 90_000 });
		expect(response.status).toBe(200);
		expect(response.body.map(({ x, square }) => ({ x, square }))).toEqual(items.map(({ x }) => ({ x, square: x * x })));
		const [execution] = await newExecutions(n8n, caller, before);
		expect(execution.status).toBe('success');
		expect(nodeOutput(execution, 'Call square (once per item)').map((item) => item.pairedItem)).toEqual(items.map((_, i) => ({ item: i })));
	}, 120_000);
});

describe('queue mode, two workers: a worker killed while it runs a call', () => {
	let n8n;

	beforeAll(async () => {
		n8n = await startN8nTopology({
			mode: 'queue',
			workers: 2,
			install: 'package',
			env: { N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false' }, // slowDouble returns $env.E2E_PROCESS_NAME
			workflowFiles: [FILES.slowDouble],
		});
		await n8n.timer.time('activate', () => activateAll(n8n, [{ file: FILES.slowDouble, name: 'slowDouble' }], []));
	}, 360_000);

	afterAll(() => n8n?.stop(), 90_000);

	test('its call runs again on the other worker within seconds, and the caller gets the value', async () => {
		// A caller outside n8n (the package's own client): it survives whichever worker dies.
		const { FunctionsClient } = require(path.join(repoRoot, 'index.js'));
		const client = new FunctionsClient({ url: redisUrl, keyPrefix: n8n.functionsKeyPrefix });
		const started = Date.now();
		const answer = client.call({ scope: '__global__', name: 'slowDouble', items: [{ x: 21 }], timeoutMs: 60_000 });
		// The runner key names the process its execution started in: host:pid:id.
		let runners = [];
		await waitUntil('slowDouble running on a worker', async () => (runners = (await n8n.runnersOf('__global__', 'slowDouble'))).length > 0, {
			timeoutMs: 20_000,
			intervalMs: 50,
		});
		const pid = Number(runners[0].split(':')[1]);
		const victim = n8n.workers.find((worker) => worker.pid === pid);
		expect(victim).toBeDefined();
		await victim.kill(); // during the function's 3 s wait
		const value = await answer;
		const seconds = (Date.now() - started) / 1000;
		const survivor = n8n.workers.find((worker) => worker !== victim).name;
		expect(value).toEqual({ doubled: 42, process: survivor });
		// Noticed after 3 missed heartbeats (6 s by default), not n8n's stalled-job check (about 100 s).
		expect(seconds).toBeLessThan(25);
	}, 120_000);
});
