// Calls per second through one consumer with 1, 16 and 256 calls in flight, for the addon
// and its peers, in one run. Each system's consumer runs in a process of its own, calls come
// from this process. Systems take turns in rounds, so a noisy neighbour weighs on all alike.
//   node bench/core/throughput.js [--quick]       BENCH_SYSTEMS=addon,node-redis,bullmq
'use strict';
const { startServerProcess } = require('../support/child');
const { deleteKeys } = require('../support/cleanup');
const { redisUrl, scale, uniquePrefix, heading, report, runMain } = require('../support/options');
const { localRedisPid, meter } = require('../support/cpu');
const { drive } = require('../support/drive');
const { summarize, ms, rate, ratio, table, verdict } = require('../support/stats');
const { isPeer, selectedSystems } = require('./systems');

const LEVELS = [1, 16, 256];

async function main() {
	heading('Throughput: calls/s through one consumer');
	const rounds = scale(2, 1);
	const perRound = scale(5000, 300);
	const prefix = uniquePrefix('throughput');
	const systems = selectedSystems();
	const running = [];
	const redisPid = await localRedisPid(redisUrl);
	try {
		for (const system of systems) {
			const server = await startServerProcess(system.id, { redisUrl, prefix, concurrency: Math.max(...LEVELS) });
			const client = await system.startClient({ redisUrl, prefix });
			await drive((i) => client.call({ a: i, b: 1 }), scale(1000, 50), 16); // warm-up
			const byLevel = Object.fromEntries(
				LEVELS.map((l) => [l, { seconds: 0, latencies: [], cpu: { caller: 0, server: 0, redis: 0 }, switches: { caller: 0, server: 0, redis: 0 } }]),
			);
			running.push({ system, server, client, byLevel });
		}
		for (let round = 0; round < rounds; round++) {
			for (const level of LEVELS) {
				for (const r of running) {
					const stopMeter = meter({ caller: process.pid, server: r.server.pid, redis: redisPid });
					const { seconds, latencies } = await drive((i) => r.client.call({ a: i, b: 1 }), perRound, level);
					const { cpu, switches } = stopMeter();
					const at = r.byLevel[level];
					at.seconds += seconds;
					at.latencies.push(...latencies);
					for (const name of Object.keys(at.cpu)) {
						at.cpu[name] += cpu[name];
						at.switches[name] += switches[name];
					}
				}
			}
		}

		const results = {};
		for (const r of running) {
			results[r.system.id] = Object.fromEntries(
				LEVELS.map((level) => {
					const { seconds, latencies, cpu, switches } = r.byLevel[level];
					const cpuPerCallUs = Object.fromEntries(Object.entries(cpu).map(([name, s]) => [name, (s / latencies.length) * 1e6]));
					const switchesPerCall = Object.fromEntries(Object.entries(switches).map(([name, n]) => [name, n / latencies.length]));
					return [level, { calls: latencies.length, perSecond: latencies.length / seconds, latency: summarize(latencies), cpuPerCallUs, switchesPerCall }];
				}),
			);
		}
		const addon = results.addon;
		const rows = [];
		for (const level of LEVELS) {
			for (const r of running) {
				const x = results[r.system.id][level];
				const us = (name) => (Number.isFinite(x.cpuPerCallUs[name]) ? x.cpuPerCallUs[name].toFixed(0) : '-');
				rows.push([
					`${level} in flight: ${r.system.label}`,
					x.calls,
					rate(x.perSecond),
					addon ? ratio(addon[level].perSecond / x.perSecond) : '-',
					ms(x.latency.p50),
					ms(x.latency.p99),
					`${us('caller')} / ${us('server')} / ${us('redis')}`,
					`${x.switchesPerCall.caller.toFixed(1)} / ${x.switchesPerCall.server.toFixed(1)}`,
				]);
			}
		}
		console.log(table(['', 'calls', 'calls/s', 'addon ×', 'p50', 'p99', 'CPU µs/call: caller / server / Redis*', 'context switches/call: caller / server'], rows));
		console.log('* Redis CPU counts every client of that Redis during the measurement, not only this benchmark.');

		const checks = [];
		if (addon) {
			const best = Math.max(...LEVELS.map((l) => addon[l].perSecond));
			checks.push({ target: 'addon ≥ 20,000 calls/s (best level)', value: rate(best), met: best >= 20_000 });
			for (const r of running.filter((x) => isPeer(x.system))) {
				for (const level of LEVELS) {
					const x = addon[level].perSecond / results[r.system.id][level].perSecond;
					checks.push({ target: `addon ≥ 3× ${r.system.id} at ${level} in flight`, value: ratio(x), met: x >= 3 });
				}
			}
			console.log(`\n${table(['target', 'measured', ''], checks.map((c) => [c.target, c.value, verdict(c.met)]), { left: 3 })}`);
		}
		report('throughput', { levels: LEVELS, systems: results, checks });
	} finally {
		for (const r of running) {
			await r.client.close().catch(() => {});
			await r.server.stop();
		}
		await deleteKeys([...new Set(systems.flatMap((s) => s.keyPatterns(prefix))), `${prefix}*`]);
	}
}

if (require.main === module) runMain(main);
