// Worker slots under bursts: N simultaneous webhook requests against one worker at n8n's
// default concurrency (10), each making one call, through Execute Workflow and through Call
// Function side by side in the same topology. A waiting caller holds its worker slot, and
// the function's execution needs one too: a package that left every caller waiting on
// another slot would answer only the first few. Prints answered / failed counts, the burst's
// wall time and the answered requests' latency.
//   node bench/n8n/starvation.js [--quick] [concurrent requests…]     (default: 10 50 100; quick: 10 50)
'use strict';
const { startN8nTopology } = require('../../e2e/support/topology');
const { N8N_VERSION } = require('../../e2e/support/cache-paths');
const { describeMachine, machineLine } = require('../support/machine');
const { quick, redisUrl } = require('../support/options');
const { ms, ratio, summarize, table } = require('../support/stats');
const { CALLEES, SCENARIOS, workflowFiles } = require('./scenarios');

const REQUEST_TIMEOUT_MS = 180_000;

/** `n` requests at once; each answer checked against the sum it must carry. */
async function burst(baseUrl, scenario, n) {
	const started = Date.now();
	const outcomes = await Promise.all(
		Array.from({ length: n }, async (_, i) => {
			const t0 = Date.now();
			try {
				const response = await fetch(`${baseUrl}/webhook/${scenario.path}?a=${i}&b=1000`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
				const text = await response.text();
				let body;
				try {
					body = JSON.parse(text);
				} catch {
					body = text;
				}
				const ok = response.status === 200 && scenario.check(i, 1000)(body);
				return { ok, ms: Date.now() - t0, why: ok ? '' : `${response.status} ${text.slice(0, 120)}` };
			} catch (error) {
				return { ok: false, ms: Date.now() - t0, why: error.message };
			}
		}),
	);
	const answered = outcomes.filter((o) => o.ok);
	return {
		n,
		answered: answered.length,
		failed: n - answered.length,
		seconds: (Date.now() - started) / 1000,
		latency: answered.length ? summarize(answered.map((o) => o.ms)) : null,
		firstFailure: outcomes.find((o) => !o.ok)?.why,
	};
}

async function main() {
	const levels = process.argv.slice(2).map(Number).filter((n) => n > 0);
	const wanted = levels.length ? levels : quick ? [10, 50] : [10, 50, 100];
	const scenarios = ['exec', 'call'].map((id) => SCENARIOS.find((s) => s.id === id));
	const machine = await describeMachine(redisUrl);
	console.log(`# worker slots under bursts${quick ? ' (quick)' : ''}: n8n ${N8N_VERSION}, queue mode, 1 main + 1 worker at the default concurrency (10)\n${machineLine(machine)}`);
	const n8n = await startN8nTopology({ mode: 'queue', workers: 1, workflowFiles: workflowFiles() });
	const rows = [];
	try {
		for (const callee of CALLEES) await n8n.activate(callee.id);
		for (const scenario of scenarios) await n8n.activate(scenario.workflowId);
		for (const scenario of scenarios) await n8n.webhook(scenario.path, { query: { a: 1, b: 2 } }); // registered and warm
		for (const n of wanted) {
			// Alternate which goes first, so neither always meets a worker still busy with the other.
			const order = rows.length % 2 === 0 ? scenarios : [...scenarios].reverse();
			const results = {};
			for (const scenario of order) {
				console.log(`[bench slots] ${n} at once through ${scenario.label} …`);
				results[scenario.id] = await burst(n8n.baseUrl, scenario, n);
			}
			rows.push({ n, ...results });
		}
	} finally {
		await n8n.stop();
	}
	console.log(
		`\n${table(
			['requests at once', 'through', 'answered', 'failed', 'wall time', 'p50', 'p95', 'max', 'wall time / Execute Workflow'],
			rows.flatMap((row) =>
				scenarios.map((s) => {
					const x = row[s.id];
					return [
						row.n,
						s.label.replace(/^\d+\. webhook → /, ''),
						x.answered,
						x.failed,
						`${x.seconds.toFixed(1)} s`,
						x.latency ? ms(x.latency.p50) : '-',
						x.latency ? ms(x.latency.p95) : '-',
						x.latency ? ms(x.latency.max) : '-',
						ratio(x.seconds / row.exec.seconds),
					];
				}),
			),
			{ left: 2 },
		)}`,
	);
	for (const row of rows) {
		for (const s of scenarios) if (row[s.id].failed) console.log(`first failure, ${row.n} through ${s.label}: ${row[s.id].firstFailure}`);
	}
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
