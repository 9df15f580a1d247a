// Reproduces a limit of Call Function in queue mode: a waiting Call Function keeps its
// worker's execution slot, and the function's execution needs one too. With 1 worker
// (n8n's default concurrency 10), 9 concurrent callers are all answered, 12 starve their own
// functions until the calls time out (30 s). Not part of `npm run bench:n8n`.
//   node bench/n8n/starvation.js [concurrent requests…]     (default: 9 12)
'use strict';
const { startN8nTopology } = require('../../e2e/support/topology');
const { CALLEES, SCENARIOS, workflowFiles } = require('./scenarios');

async function main() {
	const levels = process.argv.slice(2).map(Number).filter((n) => n > 0);
	const call = SCENARIOS.find((s) => s.id === 'call');
	const n8n = await startN8nTopology({ mode: 'queue', workers: 1, workflowFiles: workflowFiles() });
	try {
		for (const callee of CALLEES) await n8n.activate(callee.id);
		await n8n.activate(call.workflowId);
		await n8n.webhook(call.path, { query: { a: 1, b: 2 } });
		for (const n of levels.length ? levels : [9, 12]) {
			const started = Date.now();
			const outcomes = await Promise.all(
				Array.from({ length: n }, async (_, i) => {
					const t0 = Date.now();
					const response = await fetch(`${n8n.baseUrl}/webhook/${call.path}?a=${i}&b=1`, { signal: AbortSignal.timeout(120_000) });
					const text = await response.text();
					return { status: response.status, ms: Date.now() - t0, text: text.slice(0, 100) };
				}),
			);
			const ok = outcomes.filter((o) => o.status === 200).length;
			console.log(`${n} concurrent requests, 1 worker: ${ok} answered, ${n - ok} failed, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
			for (const o of outcomes) console.log(`  ${o.status} after ${o.ms} ms: ${o.text}`);
		}
	} finally {
		await n8n.stop();
	}
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
