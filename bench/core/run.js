// All core benchmarks (addon + Redis, no n8n), one process each, then the targets in one table.
// Benchmarks print numbers and ratios; they fail only when a benchmark itself breaks.
//   npm run bench:core [-- --quick] [-- --json results.json]
//   BENCH_QUICK=1 (same as --quick), BENCH_ONLY=latency,idle (a subset), REDIS_URL, BENCH_SYSTEMS
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { fork } = require('node:child_process');
const { describeMachine, machineLine } = require('../support/machine');
const { quick, redisUrl } = require('../support/options');
const { mib, ms, rate, ratio, table, verdict } = require('../support/stats');

const BENCHMARKS = ['latency', 'anatomy', 'throughput', 'feed', 'metrics', 'commands', 'idle', 'memory', 'cluster', 'chasquimq'];

/** Runs bench/core/<name>.js to its end; resolves with the result it reported. */
function runToEnd(name) {
	return new Promise((resolve, reject) => {
		const started = Date.now();
		let result;
		const child = fork(path.join(__dirname, `${name}.js`), quick ? ['--quick'] : [], { stdio: 'inherit' });
		child.on('message', (m) => {
			if (m.benchResult === name) result = m.result;
		});
		child.once('exit', (code, signal) => {
			if (code === 0) resolve({ result, seconds: (Date.now() - started) / 1000 });
			else reject(new Error(`bench/core/${name}.js failed (${signal ?? `exit ${code}`})`));
		});
	});
}

function summaryRows(results) {
	const rows = [];
	const add = (target, measured, met) => rows.push([target, measured, met === undefined ? '' : verdict(met)]);
	const { latency, throughput, feed, metrics, idle, memory, cluster, chasquimq } = results;
	if (latency?.systems?.addon) {
		const addon = latency.systems.addon;
		const ping = latency.floor.ping.p50;
		add('call p50 ≤ 5× PING p50', `${ms(addon.p50)} = ${ratio(addon.p50 / ping)} PING (${ms(ping)})`, addon.p50 <= 5 * ping);
		for (const [id, peer] of Object.entries(latency.systems).filter(([id]) => !id.startsWith('addon'))) {
			add(`p99 lower than ${id}`, `${ms(addon.p99)} vs ${ms(peer.p99)}`, addon.p99 < peer.p99);
		}
	}
	if (throughput?.systems?.addon) {
		const addon = throughput.systems.addon;
		const best = Math.max(...throughput.levels.map((l) => addon[l].perSecond));
		add('≥ 20,000 calls/s', `${rate(best)} (best of ${throughput.levels.join(', ')} in flight)`, best >= 20_000);
		for (const [id, peer] of Object.entries(throughput.systems).filter(([id]) => !id.startsWith('addon'))) {
			const ratios = throughput.levels.map((l) => addon[l].perSecond / peer[l].perSecond);
			add(`≥ 3× ${id} throughput`, throughput.levels.map((l, i) => `${l}: ${ratio(ratios[i])}`).join(', '), ratios.every((x) => x >= 3));
		}
	}
	if (feed) {
		const measured = feed.levels.map((l) => `${l}: ${ratio(feed.results[l].rateRatio)} calls/s, ${ratio(feed.results[l].p50Ratio)} p50`).join('; ');
		add('event feed within 10 % of off', `on / off at ${measured}`, feed.met);
	}
	if (metrics) {
		const measured = metrics.levels.map((l) => `${l}: ${ratio(metrics.results[l].rateRatio)} calls/s, ${ratio(metrics.results[l].p50Ratio)} p50`).join('; ');
		add('metrics within 10 % of off', `on / off at ${measured}`, metrics.met);
	}
	if (idle) {
		add('idle: ≤ 1 command per function per second', `${idle.sentPerFunctionPerSecond.toFixed(3)} sent, ${(idle.sentPerFunctionPerSecond + idle.scriptPerFunctionPerSecond).toFixed(3)} incl. scripts`, idle.sentPerFunctionPerSecond + idle.scriptPerFunctionPerSecond <= 1);
		add('idle: wake-up needs no interval', `first call after ${idle.windowSeconds.toFixed(0)} s idle p50 ${ms(idle.wake.p50)} vs hot ${ms(idle.hot.p50)}`, idle.wake.p50 <= 3 * idle.hot.p50);
	}
	if (memory?.systems?.addon) {
		const m = memory.systems.addon;
		add(`memory: serving ${memory.served} functions`, `${mib(m.serving.rssServing)} RSS (+${mib(m.serving.rssServing - m.serving.rssLoaded)} over the loaded addon)`);
		add(`memory: ${memory.calls.toLocaleString('en-US')} concurrent calls`, `peak ${mib(m.calling.rssPeak)} RSS (+${mib(m.calling.rssPeak - m.calling.rssBefore)})`);
	}
	if (cluster) {
		const [server, onCluster] = [cluster.systems.server, cluster.systems.cluster];
		const best = (x) => Math.max(...cluster.levels.map((l) => x[l].perSecond));
		add('Redis Cluster (3 primaries) vs one Redis', `${rate(best(onCluster))} vs ${rate(best(server))} calls/s; p50 ${ms(onCluster[1].latency.p50)} vs ${ms(server[1].latency.p50)}, p99 ${ms(onCluster[1].latency.p99)} vs ${ms(server[1].latency.p99)} (1 in flight)`);
	}
	if (chasquimq) {
		const addon256 = throughput?.systems?.addon?.[256]?.perSecond;
		add('ChasquiMQ (reference)', chasquimq.skipped ? 'skipped (the reason is printed above)' : `${rate(chasquimq.per_second)} one-way jobs${addon256 ? `; addon at 256 in flight = ${ratio(addon256 / chasquimq.per_second)} of it` : ''}`);
	}
	return rows;
}

async function main() {
	const jsonAt = process.argv.indexOf('--json');
	const jsonFile = jsonAt > 0 ? process.argv[jsonAt + 1] : null;
	const only = (process.env.BENCH_ONLY || '').split(',').filter(Boolean);
	const machine = await describeMachine(redisUrl);
	console.log(`# Core benchmarks${quick ? ' (quick)' : ''}\n${machineLine(machine)}`);
	const results = {};
	const seconds = {};
	const failed = [];
	for (const name of BENCHMARKS.filter((b) => only.length === 0 || only.includes(b))) {
		try {
			const run = await runToEnd(name);
			results[name] = run.result;
			seconds[name] = run.seconds;
		} catch (error) {
			console.error(error.message);
			failed.push(name);
		}
	}
	console.log(`\n## Targets${quick ? ' (quick run: too small to judge)' : ''}\n`);
	console.log(table(['target', 'measured', ''], summaryRows(results), { left: 3 }));
	console.log(`\n${Object.entries(seconds).map(([name, s]) => `${name} ${s.toFixed(0)} s`).join(', ')}`);
	if (jsonFile) {
		fs.writeFileSync(jsonFile, `${JSON.stringify({ machine, quick, results, seconds }, null, 2)}\n`);
		console.log(`results written to ${jsonFile}`);
	}
	// A broken benchmark fails the run; a number never does.
	if (failed.length) throw new Error(`benchmarks that broke: ${failed.join(', ')}`);
}

main().catch((error) => {
	console.error(error.message);
	process.exit(1);
});
