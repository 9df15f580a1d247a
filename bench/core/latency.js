// Sequential call round trips (call → consumer in JS → respond → caller resolves) of the
// addon and its peers, next to Redis's own PING/XADD round trips, all in one run. Servers run
// in processes of their own (as in n8n's queue mode); calls come from this process. Systems
// and the floor take turns in rounds, so a noisy neighbour weighs on all of them alike.
//   node bench/core/latency.js [--quick]        BENCH_SYSTEMS=addon,node-redis,bullmq
'use strict';
const { startServerProcess } = require('../support/child');
const { deleteKeys } = require('../support/cleanup');
const { redisUrl, scale, uniquePrefix, heading, report, runMain } = require('../support/options');
const { summarize, ms, ratio, table, verdict } = require('../support/stats');
const { openFloor, FLOOR_ROWS, timeEach } = require('./floor');
const { isPeer, selectedSystems } = require('./systems');

async function main() {
	heading('Latency: sequential calls');
	const rounds = scale(10, 3);
	const perRound = scale(1000, 100);
	const prefix = uniquePrefix('latency');
	const systems = selectedSystems();
	const floor = await openFloor(prefix);
	const running = [];
	try {
		for (const system of systems) {
			const server = await startServerProcess(system.id, { redisUrl, prefix });
			const client = await system.startClient({ redisUrl, prefix });
			running.push({ system, server, client, samples: [] });
		}
		const floorSamples = Object.fromEntries(FLOOR_ROWS.map(([key]) => [key, []]));
		// Warm-up: connections, definitions cached, JIT.
		await floor.measure(scale(200, 20));
		for (const r of running) await timeEach(scale(500, 50), (i) => r.client.call({ a: i, b: 1 }));

		for (let round = 0; round < rounds; round++) {
			const measured = await floor.measure(perRound);
			for (const [key] of FLOOR_ROWS) floorSamples[key].push(...measured[key]);
			for (const r of running) {
				r.samples.push(
					...(await timeEach(perRound, async (i) => {
						const value = await r.client.call({ a: i, b: 1 });
						if (value?.sum !== i + 1) throw new Error(`${r.system.id} answered ${JSON.stringify(value)} to ${i} + 1`);
					})),
				);
			}
		}

		const floorStats = Object.fromEntries(FLOOR_ROWS.map(([key]) => [key, summarize(floorSamples[key])]));
		const systemStats = Object.fromEntries(running.map((r) => [r.system.id, summarize(r.samples)]));
		const ping = floorStats.ping.p50;
		const rows = [
			...FLOOR_ROWS.map(([key, label]) => [label, floorStats[key], key === 'ping' ? 1 : floorStats[key].p50 / ping]),
			...running.map((r) => [r.system.label, systemStats[r.system.id], systemStats[r.system.id].p50 / ping]),
		];
		console.log(
			table(
				['round trip', 'n', 'p50', 'p95', 'p99', 'max', 'p50 / PING p50'],
				rows.map(([label, s, x]) => [label, s.n, ms(s.p50), ms(s.p95), ms(s.p99), ms(s.max), ratio(x)]),
			),
		);

		const addon = systemStats.addon;
		const checks = [];
		if (addon) {
			checks.push({ target: 'addon p50 ≤ 5× PING p50', value: ratio(addon.p50 / ping), met: addon.p50 <= 5 * ping });
			for (const r of running.filter((x) => isPeer(x.system))) {
				const peer = systemStats[r.system.id];
				checks.push({ target: `addon p99 < ${r.system.id} p99`, value: `${ms(addon.p99)} vs ${ms(peer.p99)}`, met: addon.p99 < peer.p99 });
			}
			console.log(`\n${table(['target', 'measured', ''], checks.map((c) => [c.target, c.value, verdict(c.met)]), { left: 3 })}`);
		}
		report('latency', { floor: floorStats, systems: systemStats, checks });
	} finally {
		for (const r of running) {
			await r.client.close().catch(() => {});
			await r.server.stop();
		}
		await floor.close();
		const patterns = [...new Set(systems.flatMap((s) => s.keyPatterns(prefix))), `${prefix}*`];
		await deleteKeys(patterns);
	}
}

if (require.main === module) runMain(main);
