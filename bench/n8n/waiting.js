// Calls whose functions wait: N requests each start a call to a function that waits for an
// approval (a Wait on its resume URL), through Call Function and through n8n's own Execute
// Workflow side by side in one topology (1 main + 1 worker at --concurrency=2). While they
// wait: how many worker slots the waiting callers hold (0 where a caller parks), and the
// latency of quick requests (webhook → add, through Call Function and Execute Workflow).
// Then every approval is given and the time until every caller is done is measured.
//   node bench/n8n/waiting.js [--quick] [waiting calls…]     (default: 4 16; quick: 4)
'use strict';
const path = require('node:path');
const { startN8nTopology } = require('../../e2e/support/topology');
const { N8N_VERSION } = require('../../e2e/support/cache-paths');
const { nodeOutput } = require('../../e2e/support/functions');
const { waitUntil } = require('../../e2e/support/wait-until');
const { describeMachine, machineLine } = require('../support/machine');
const { quick, redisUrl } = require('../support/options');
const { ms, summarize, table } = require('../support/stats');

const E2E = path.join(__dirname, '..', '..', 'e2e', 'workflows');
const WORKFLOWS = path.join(__dirname, 'workflows');
const QUICK_REQUESTS = quick ? 5 : 20;

/** How a waiting call is made, and where its approval is found. */
const WAYS = [
	{
		id: 'call',
		label: 'Call Function',
		path: 'approve/async',
		callers: 'e2eParkCallAsy1',
		waiting: 'e2eParkApprove1',
		resumeUrlOf: (execution) => nodeOutput(execution, 'Resume URL')[0].json.resumeUrl,
	},
	{
		id: 'exec',
		label: 'Execute Workflow',
		path: 'bench-exec-approve',
		callers: 'benchExecApprove1',
		waiting: 'benchSubApprove1',
		resumeUrlOf: (execution) => nodeOutput(execution, 'Resume URL')[0].json.resumeUrl,
	},
];

const QUICK = [
	{ id: 'call', label: 'Call Function', path: 'add' },
	{ id: 'exec', label: 'Execute Workflow', path: 'bench-exec' },
];

async function executionsOf(n8n, workflowId, before) {
	return (await n8n.executions(workflowId)).filter((execution) => !before.has(execution.id));
}

async function ids(n8n, workflowId) {
	return new Set((await n8n.executions(workflowId)).map((execution) => execution.id));
}

/** p50 and p95 of quick requests, one after the other. */
async function quickLatency(n8n, request) {
	const times = [];
	for (let i = 0; i < QUICK_REQUESTS; i++) {
		const started = Date.now();
		const response = await n8n.webhook(request.path, { query: { a: i, b: 1 }, timeoutMs: 60_000 });
		const body = Array.isArray(response.body) ? response.body[0] : response.body;
		if (response.status !== 200 || body?.sum !== i + 1) throw new Error(`${request.label}: ${response.status} ${response.text.slice(0, 200)}`);
		times.push(Date.now() - started);
	}
	return summarize(times);
}

/** N waiting calls one way: slots held meanwhile, quick requests' latency, time to finish once approved. */
async function measure(n8n, way, n) {
	const before = { callers: await ids(n8n, way.callers), waiting: await ids(n8n, way.waiting) };
	await Promise.all(Array.from({ length: n }, (_, i) => n8n.webhook(way.path, { query: { amount: i + 1 } })));
	let waiting = [];
	await waitUntil(
		`${n} waiting executions of ${way.label}'s callee`,
		async () => (waiting = (await executionsOf(n8n, way.waiting, before.waiting)).filter((e) => e.status === 'waiting')).length >= n,
		{ timeoutMs: 120_000, intervalMs: 300 },
	);
	const callers = await executionsOf(n8n, way.callers, before.callers);
	const slotsHeld = callers.filter((execution) => execution.status === 'running').length;
	const quickLatencies = {};
	for (const request of QUICK) quickLatencies[request.id] = await quickLatency(n8n, request);
	const approvedAt = Date.now();
	for (const execution of waiting) {
		const url = way.resumeUrlOf(await n8n.rest.execution(execution.id));
		const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ approved: true }) });
		if (!response.ok) throw new Error(`approving ${url}: ${response.status}`);
	}
	await waitUntil(
		`every caller through ${way.label} done`,
		async () => {
			const done = (await executionsOf(n8n, way.callers, before.callers)).filter((e) => ['success', 'error'].includes(e.status));
			return done.length >= n;
		},
		{ timeoutMs: 180_000, intervalMs: 200 },
	);
	return { n, slotsHeld, callersWaiting: callers.filter((e) => e.status === 'waiting').length, quick: quickLatencies, doneSeconds: (Date.now() - approvedAt) / 1000 };
}

async function main() {
	const levels = process.argv.slice(2).map(Number).filter((n) => n > 0);
	const wanted = levels.length ? levels : quick ? [4] : [4, 16];
	const machine = await describeMachine(redisUrl);
	console.log(`# calls that wait${quick ? ' (quick)' : ''}: n8n ${N8N_VERSION}, queue mode, 1 main + 1 worker at --concurrency=2\n${machineLine(machine)}`);
	const files = [
		path.join(E2E, 'park-approve.json'),
		path.join(E2E, 'park-callers.json'),
		path.join(WORKFLOWS, 'sub-approve.json'),
		path.join(WORKFLOWS, 'execute-workflow-approve.json'),
		path.join(WORKFLOWS, 'sub-add.json'),
		path.join(WORKFLOWS, 'execute-workflow.json'),
		path.join(__dirname, '..', '..', 'examples', 'function-add.json'),
		path.join(__dirname, '..', '..', 'examples', 'call-add.json'),
	];
	const n8n = await startN8nTopology({ mode: 'queue', workers: 1, workerConcurrency: 2, install: 'package', workflowFiles: files });
	const rows = [];
	try {
		for (const id of ['fnExampleAdd01', 'e2eParkApprove1', 'benchSubAdd01', 'benchSubApprove1', 'fnExampleCall01', 'e2eParkCallAsy1', 'benchExec01', 'benchExecApprove1']) {
			await n8n.activate(id);
		}
		await new Promise((resolve) => setTimeout(resolve, 3000)); // triggers served, webhooks registered
		for (const request of QUICK) await n8n.webhook(request.path, { query: { a: 1, b: 2 }, timeoutMs: 60_000 }); // warm
		const idle = {};
		for (const request of QUICK) idle[request.id] = await quickLatency(n8n, request);
		rows.push({ n: 0, way: 'nothing waiting', slotsHeld: 0, callersWaiting: 0, quick: idle, doneSeconds: null });
		for (const n of wanted) {
			for (const way of WAYS) {
				console.log(`[bench waiting] ${n} calls waiting for approval through ${way.label} …`);
				rows.push({ way: way.label, ...(await measure(n8n, way, n)) });
			}
		}
	} finally {
		await n8n.stop();
	}
	console.log(
		`\n${table(
			['calls waiting', 'through', 'slots they hold', 'callers parked', 'quick call p50 / p95 (Call Function)', 'quick p50 / p95 (Execute Workflow)', 'approved → all done'],
			rows.map((row) => [
				row.n,
				row.way,
				row.slotsHeld,
				row.callersWaiting,
				`${ms(row.quick.call.p50)} / ${ms(row.quick.call.p95)}`,
				`${ms(row.quick.exec.p50)} / ${ms(row.quick.exec.p95)}`,
				row.doneSeconds === null ? '-' : `${row.doneSeconds.toFixed(1)} s`,
			]),
			{ left: 2 },
		)}`,
	);
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
