// Anatomy of one sequential call: its hops timed on one clock. The caller's µs clock
// (performance.timeOrigin + now) at both ends, Redis's MONITOR (µs) in between:
//   send     call() → the command carrying its XADD reaches Redis  (caller process)
//   serve    XADD → the answer script reaches Redis                 (server process: the blocked
//            XREADGROUP returns, the call reaches JS, JS responds)
//   back     PUBLISH of the answer → call() resolves                 (caller process)
// (The consumer's next XREADGROUP is no clean mark inside "serve": the addon's reader task and
// its hand-off to JS race on two connections.)
// Same-machine clocks; MONITOR itself adds a few µs per command. For the addon and the peer
// with the same protocol in plain JS (BullMQ's path has no such single hops).
//   node bench/core/anatomy.js [--quick]
'use strict';
const { startServerProcess } = require('../support/child');
const { deleteKeys } = require('../support/cleanup');
const { startMonitor } = require('../support/monitor');
const { redisUrl, scale, uniquePrefix, heading, report, runMain } = require('../support/options');
const { summarize, ms, table } = require('../support/stats');
const { loadSystem } = require('./systems');

const HOPS = ['send', 'serve', 'back', 'total'];
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function anatomy(system, calls) {
	const prefix = uniquePrefix(`anatomy-${system.id}`);
	const server = await startServerProcess(system.id, { redisUrl, prefix });
	const client = await system.startClient({ redisUrl, prefix });
	try {
		for (let i = 0; i < scale(300, 30); i++) await client.call({ a: i, b: 1 });
		const monitor = await startMonitor(redisUrl);
		await sleep(100);
		const spans = [];
		for (let i = 0; i < calls; i++) {
			const start = now();
			await client.call({ a: i, b: 1 });
			spans.push([start, now()]);
		}
		await sleep(100);
		const lines = await monitor.stop(prefix);
		const hops = Object.fromEntries(HOPS.map((h) => [h, []]));
		for (const [start, end] of spans) {
			const within = lines.filter((l) => l.atMs >= start && l.atMs <= end);
			const xadd = within.find((l) => l.command === 'XADD');
			// The command that carried the XADD: the addon's send script, or the XADD itself.
			const sent = xadd && within.findLast((l) => l.atMs <= xadd.atMs && l.source !== 'lua' && ['EVALSHA', 'XADD'].includes(l.command) && l.args.includes(':calls'));
			// Back to back: the previous call's trailing commands (finished()) may fall in this window.
			const callId = xadd && /\\"id\\":\\"([0-9a-f-]+)\\"/.exec(xadd.args)?.[1];
			// The answer script names the call's reply key (so may the send script: it comes first).
			const answer = callId && within.find((l) => l.atMs > xadd.atMs && l.source !== 'lua' && l.command === 'EVALSHA' && l.args.includes(`:reply:${callId}`));
			const published = callId && within.find((l) => l.command === 'PUBLISH' && l.args.includes(callId));
			if (!sent || !answer || !published) continue;
			hops.send.push(sent.atMs - start);
			hops.serve.push(answer.atMs - xadd.atMs);
			hops.back.push(end - published.atMs);
			hops.total.push(end - start);
		}
		return Object.fromEntries(HOPS.map((h) => [h, summarize(hops[h])]));
	} finally {
		await client.close().catch(() => {});
		await server.stop();
		await deleteKeys([`${prefix}*`]);
	}
}

async function main() {
	heading('Anatomy of one call (sequential, MONITOR on)');
	const calls = scale(500, 50);
	const results = {};
	for (const id of ['addon', 'node-redis']) results[id] = { label: loadSystem(id).label, hops: await anatomy(loadSystem(id), calls) };
	console.log(
		table(
			['median (p95)', ...HOPS],
			Object.values(results).map((r) => [r.label, ...HOPS.map((h) => `${ms(r.hops[h].p50)} (${ms(r.hops[h].p95)})`)]),
		),
	);
	console.log('\nsend: call() → the command carrying XADD at Redis; serve: XADD → answer script at Redis; back: PUBLISH → call() resolves');
	report('anatomy', { calls, systems: results });
}

if (require.main === module) runMain(main);
