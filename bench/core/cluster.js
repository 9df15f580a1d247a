// The addon on a local Redis Cluster (three primaries with a replica each, loopback,
// scripts/redis-cluster.sh) against the single Redis, in one run: calls/s and p50/p99 with
// 1, 16 and 256 calls in flight, over three functions (their keys on different slots).
// The two take turns in rounds, so a noisy neighbour weighs on both alike.
//   node bench/core/cluster.js [--quick]
'use strict';
const { LocalCluster } = require('../../scripts/local-cluster');
const { startServerProcess } = require('../support/child');
const { deleteKeys } = require('../support/cleanup');
const { redisUrl, scale, uniquePrefix, heading, report, runMain } = require('../support/options');
const { drive } = require('../support/drive');
const { summarize, ms, rate, ratio, table } = require('../support/stats');
const addon = require('./systems/addon');

const LEVELS = [1, 16, 256];
const FUNCTIONS = 3;

async function main() {
	heading('Redis Cluster: the addon on 3 primaries vs one Redis');
	const rounds = scale(2, 1);
	const perRound = scale(3000, 300);
	const prefix = uniquePrefix('cluster');
	const cluster = await LocalCluster.start();
	const targets = [
		{ id: 'server', label: 'one Redis', url: redisUrl },
		{ id: 'cluster', label: 'Redis Cluster (3 primaries)', url: cluster.url },
	];
	const running = [];
	try {
		for (const target of targets) {
			const server = await startServerProcess('addon', { redisUrl: target.url, prefix, functions: FUNCTIONS, concurrency: 256 });
			const client = await addon.startClient({ redisUrl: target.url, prefix });
			await drive((i) => client.call({ a: i, b: 1 }, i % FUNCTIONS), scale(600, 60), 16); // warm-up
			const byLevel = Object.fromEntries(LEVELS.map((l) => [l, { seconds: 0, latencies: [] }]));
			running.push({ target, server, byLevel, client });
		}
		for (let round = 0; round < rounds; round++) {
			for (const level of LEVELS) {
				for (const r of running) {
					const { seconds, latencies } = await drive((i) => r.client.call({ a: i, b: 1 }, i % FUNCTIONS), perRound, level);
					r.byLevel[level].seconds += seconds;
					r.byLevel[level].latencies.push(...latencies);
				}
			}
		}
		const results = {};
		for (const r of running) {
			results[r.target.id] = Object.fromEntries(
				LEVELS.map((level) => {
					const { seconds, latencies } = r.byLevel[level];
					return [level, { calls: latencies.length, perSecond: latencies.length / seconds, latency: summarize(latencies) }];
				}),
			);
		}
		const rows = [];
		for (const level of LEVELS) {
			for (const r of running) {
				const x = results[r.target.id][level];
				const vsServer = x.perSecond / results.server[level].perSecond;
				rows.push([`${level} in flight: ${r.target.label}`, x.calls, rate(x.perSecond), ratio(vsServer), ms(x.latency.p50), ms(x.latency.p99)]);
			}
		}
		console.log(table(['', 'calls', 'calls/s', '× one Redis', 'p50', 'p99'], rows));
		report('cluster', { levels: LEVELS, systems: results });
	} finally {
		for (const r of running) {
			await r.client.close().catch(() => {});
			await r.server.stop();
		}
		await cluster.stop();
		await deleteKeys([`${prefix}*`]);
	}
}

if (require.main === module) runMain(main);
