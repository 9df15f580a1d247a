// This package inside real n8n (queue mode: PostgreSQL, Redis, 1 main + 1 worker, then
// 1 main + 2 workers), started by e2e/support/topology.js, driven through production webhooks:
//   1. webhook → Set                        n8n's own cost per execution
//   2. webhook → Execute Workflow           a sub-workflow, waiting for it
//   3. webhook → Call Function              → Function → Return from Function
//   4. 20 items through 2 and 3             once for each item (and once with all items)
// Per topology: sequential requests (p50/p95/max), requests at concurrency 8 (req/s), and a
// breakdown of where one request's time goes (bench/n8n/breakdown.js). Ratios are against
// Execute Workflow measured in the same topology, in interleaved turns.
//   npm run bench:n8n [-- --quick] [-- --json results.json]
//   BENCH_QUICK=1, BENCH_N8N_WORKERS=1,2, BENCH_N8N_SCENARIOS=set,exec,call,…, REDIS_URL, PG* (see e2e/README.md)
'use strict';
const fs = require('node:fs');
const { startN8nTopology } = require('../../e2e/support/topology');
const { N8N_VERSION } = require('../../e2e/support/cache-paths');
const { describeMachine, machineLine } = require('../support/machine');
const { quick, redisUrl, scale } = require('../support/options');
const { ms, ratio, summarize, table, verdict } = require('../support/stats');
const { analyzeBreakdown, captureBreakdown } = require('./breakdown');
const { concurrent, sequential } = require('./load');
const { CALLEES, selectedScenarios, workflowFiles } = require('./scenarios');

const CONCURRENCY = 8;

function settings() {
	return {
		workers: (process.env.BENCH_N8N_WORKERS || (quick ? '1' : '1,2')).split(',').map(Number),
		warmUp: scale(3, 1),
		// Per scenario; the 20-item ones ("heavy") run fewer requests: 200 of them at
		// concurrency 8 are 4,000 sub-executions, minutes on one worker.
		sequential: { light: scale(50, 2), heavy: scale(20, 1) },
		concurrentTotal: { light: scale(200, 8), heavy: scale(40, 8) },
		// Turns the scenarios take (interleaved): 4 of 50; the heavy ones 5 waves of 8.
		concurrentRounds: { light: scale(4, 1), heavy: scale(5, 1) },
		breakdown: scale(20, 2),
	};
}

function printTopology(workers, result, scenarios) {
	const exec = result.sequential.exec;
	const execRate = result.concurrent.exec?.perSecond;
	const { sequential: seq, concurrentTotal: conc } = result.settings;
	console.log(`\n### 1 main + ${workers} worker${workers > 1 ? 's' : ''}: sequential requests (${seq.light} per scenario, ${seq.heavy} with 20 items)\n`);
	console.log(
		table(
			['scenario', 'n', 'p50', 'p95', 'max', 'p50 / Execute Workflow'],
			scenarios.map((s) => {
				const x = result.sequential[s.id];
				return [s.label, x.n, ms(x.p50), ms(x.p95), ms(x.max), exec ? ratio(x.p50 / exec.p50) : '-'];
			}),
		),
	);
	console.log(`\nat concurrency ${CONCURRENCY} (${conc.light} requests per scenario, ${conc.heavy} with 20 items)\n`);
	console.log(
		table(
			['scenario', 'n', 'req/s', 'p50', 'p95', 'req/s vs Execute Workflow'],
			scenarios.map((s) => {
				const x = result.concurrent[s.id];
				return [s.label, x.requests, x.perSecond.toFixed(2), ms(x.latency.p50), ms(x.latency.p95), execRate ? ratio(x.perSecond / execRate) : '-'];
			}),
		),
	);
	if (result.checks.length) console.log(`\n${table(['target', 'measured', ''], result.checks.map((c) => [c.target, c.value, verdict(c.met)]), { left: 3 })}`);
	for (const [id, b] of Object.entries(result.breakdown)) {
		const label = scenarios.find((s) => s.id === id).label;
		const sum = b.segments.reduce((acc, s) => acc + (Number.isFinite(s.p50) ? s.p50 : 0), 0);
		console.log(`\nwhere the time goes: ${label} (${b.requests} sequential requests, median total ${ms(b.total.p50)}; medians add up to ${ms(sum)})\n`);
		console.log(table(['segment', 'median', 'p95', 'share'], b.segments.map((s) => [s.label, ms(s.p50), ms(s.p95), `${((s.p50 / sum) * 100).toFixed(0)}%`])));
	}
}

function checksOf(result) {
	const checks = [];
	const seq = result.sequential;
	if (seq.call && seq.exec) {
		checks.push({ target: 'Call Function p50 ≤ 1.1× Execute Workflow p50 (single call)', value: ratio(seq.call.p50 / seq.exec.p50), met: seq.call.p50 <= 1.1 * seq.exec.p50 });
	}
	if (seq['call-20-each'] && seq['exec-20-each']) {
		checks.push({
			target: '20 items: Call Function faster than Execute Workflow once per item (p50)',
			value: `${ms(seq['call-20-each'].p50)} vs ${ms(seq['exec-20-each'].p50)} = ${ratio(seq['call-20-each'].p50 / seq['exec-20-each'].p50)}`,
			met: seq['call-20-each'].p50 < seq['exec-20-each'].p50,
		});
		const c = result.concurrent;
		checks.push({
			target: '20 items: Call Function more req/s than Execute Workflow once per item',
			value: `${c['call-20-each'].perSecond.toFixed(2)} vs ${c['exec-20-each'].perSecond.toFixed(2)} req/s`,
			met: c['call-20-each'].perSecond > c['exec-20-each'].perSecond,
		});
	}
	return checks;
}

async function benchTopology(workers, scenarios, s) {
	const n8n = await startN8nTopology({ mode: 'queue', workers, workflowFiles: workflowFiles() });
	try {
		// What the scenarios call first, so their first requests find it active (published).
		for (const callee of CALLEES) await n8n.activate(callee.id);
		for (const scenario of scenarios) await n8n.activate(scenario.workflowId);
		// Production webhooks answer 404 for a moment after activation.
		for (const scenario of scenarios) await n8n.webhook(scenario.path, { query: { a: 1, b: 3 } });

		await sequential(n8n.baseUrl, scenarios, s.warmUp);
		console.log(`[bench n8n] ${workers} worker(s): sequential requests …`);
		const seqSamples = await sequential(n8n.baseUrl, scenarios, (x) => (x.heavy ? s.sequential.heavy : s.sequential.light));
		console.log(`[bench n8n] ${workers} worker(s): concurrency ${CONCURRENCY} …`);
		const conc = await concurrent(n8n.baseUrl, scenarios, (x) => (x.heavy ? s.concurrentTotal.heavy : s.concurrentTotal.light), CONCURRENCY, (x) => (x.heavy ? s.concurrentRounds.heavy : s.concurrentRounds.light));
		console.log(`[bench n8n] ${workers} worker(s): breakdown …`);
		const breakdownScenarios = scenarios.filter((x) => ['set', 'exec', 'call'].includes(x.id));
		const raw = breakdownScenarios.length ? await captureBreakdown(n8n, breakdownScenarios, s.breakdown, redisUrl) : null;

		const result = {
			settings: s,
			sequential: Object.fromEntries(Object.entries(seqSamples).map(([id, samples]) => [id, summarize(samples)])),
			concurrent: Object.fromEntries(
				Object.entries(conc).map(([id, x]) => [id, { requests: x.requests, seconds: x.seconds, perSecond: x.requests / x.seconds, latency: summarize(x.latencies) }]),
			),
			breakdown: raw ? analyzeBreakdown(raw, breakdownScenarios) : {},
		};
		result.checks = checksOf(result);
		return result;
	} finally {
		await n8n.stop();
	}
}

async function main() {
	const jsonAt = process.argv.indexOf('--json');
	const jsonFile = jsonAt > 0 ? process.argv[jsonAt + 1] : null;
	const s = settings();
	const scenarios = selectedScenarios();
	const machine = await describeMachine(redisUrl);
	console.log(`# n8n benchmarks${quick ? ' (quick)' : ''}: n8n ${N8N_VERSION}, queue mode\n${machineLine(machine)}`);
	const results = {};
	for (const workers of s.workers) {
		results[workers] = await benchTopology(workers, scenarios, s);
		printTopology(workers, results[workers], scenarios);
	}
	if (jsonFile) {
		fs.writeFileSync(jsonFile, `${JSON.stringify({ machine, n8n: N8N_VERSION, quick, results }, null, 2)}\n`);
		console.log(`\nresults written to ${jsonFile}`);
	}
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
