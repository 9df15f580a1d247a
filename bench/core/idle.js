// Idle cost: Redis commands per second of 100 served functions nobody calls, and the
// wake-up latency of a function idle for the whole window against a hot call.
// Measured two ways: MONITOR attributed to this run's connections (exact on a shared Redis),
// and INFO total_commands_processed minus a baseline window with nothing served (all clients).
//   node bench/core/idle.js [--quick]
'use strict';
const { startServerProcess } = require('../support/child');
const { deleteKeys } = require('../support/cleanup');
const { attribute, describeCounts, startMonitor } = require('../support/monitor');
const { redisUrl, scale, uniquePrefix, heading, report, runMain } = require('../support/options');
const { RespConnection, info } = require('../support/resp');
const { summarize, ms, ratio, table, verdict } = require('../support/stats');
const { timeEach } = require('./floor');
const addon = require('./systems/addon');

const FUNCTIONS = 100;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** INFO's command counter over `seconds`: commands per second, all clients. */
async function commandRate(connection, seconds) {
	const before = Number((await info(connection, 'stats')).total_commands_processed);
	await sleep(seconds * 1000);
	const after = Number((await info(connection, 'stats')).total_commands_processed);
	return (after - before - 1) / seconds; // the second INFO counts itself
}

async function main() {
	heading(`Idle cost: ${FUNCTIONS} served functions, nobody calling`);
	const baselineSeconds = scale(10, 2);
	// Full: past 7 heartbeats (5 s) and one XREADGROUP BLOCK timeout (30 s); quick: one heartbeat.
	const idleSeconds = scale(35, 5);
	const wakeSamples = scale(20, 5);
	const prefix = uniquePrefix('idle');
	const stats = await RespConnection.connect(redisUrl);
	let server;
	try {
		console.log(`baseline: ${baselineSeconds} s with nothing served …`);
		const baselineRate = await commandRate(stats, baselineSeconds);

		server = await startServerProcess(addon.id, { redisUrl, prefix, functions: FUNCTIONS });
		const client = await addon.startClient({ redisUrl, prefix });
		await client.call({ a: 1, b: 1 }, 0); // this process's connections open, function 0 known
		await sleep(1000); // registration settles

		console.log(`idle: ${idleSeconds} s with ${FUNCTIONS} functions served …`);
		const monitor = await startMonitor(redisUrl);
		const windowStart = Date.now();
		const idleRate = await commandRate(stats, idleSeconds);
		const windowMs = Date.now() - windowStart;
		const lines = await monitor.stop();
		const own = attribute(lines, prefix);
		const perFunction = (n) => n / (windowMs / 1000) / FUNCTIONS;

		// Every function below has been idle since it was served: at least the whole window.
		const wake = await timeEach(wakeSamples, (i) => client.call({ a: i, b: 1 }, i + 1));
		await timeEach(scale(100, 10), (i) => client.call({ a: i, b: 1 }, 1)); // warm
		const hot = await timeEach(scale(500, 50), (i) => client.call({ a: i, b: 1 }, 1));
		const wakeStats = summarize(wake);
		const hotStats = summarize(hot);

		console.log(
			table(
				['idle cost', 'commands/s', 'per function/s', 'commands'],
				[
					['sent by the serving process (MONITOR)', (own.clientTotal / (windowMs / 1000)).toFixed(1), perFunction(own.clientTotal).toFixed(3), describeCounts(own.client)],
					['run inside its scripts (MONITOR)', (own.scriptTotal / (windowMs / 1000)).toFixed(1), perFunction(own.scriptTotal).toFixed(3), describeCounts(own.script)],
					['all, as INFO counts them (MONITOR)', ((own.clientTotal + own.scriptTotal) / (windowMs / 1000)).toFixed(1), perFunction(own.clientTotal + own.scriptTotal).toFixed(3), ''],
					['INFO delta minus baseline (all clients)', (idleRate - baselineRate).toFixed(1), ((idleRate - baselineRate) / FUNCTIONS).toFixed(3), `baseline ${baselineRate.toFixed(1)}/s, served ${idleRate.toFixed(1)}/s`],
				],
			),
		);
		console.log(
			`\n${table(
				['call', 'n', 'p50', 'p99', 'max'],
				[
					[`first call after ≥ ${idleSeconds} s idle`, wakeStats.n, ms(wakeStats.p50), ms(wakeStats.p99), ms(wakeStats.max)],
					['hot call (same function, back to back)', hotStats.n, ms(hotStats.p50), ms(hotStats.p99), ms(hotStats.max)],
				],
			)}`,
		);
		const checks = [
			{ target: '≤ 1 command per function per second (sent)', value: perFunction(own.clientTotal).toFixed(3), met: perFunction(own.clientTotal) <= 1 },
			{
				target: '≤ 1 command per function per second (incl. scripts)',
				value: perFunction(own.clientTotal + own.scriptTotal).toFixed(3),
				met: perFunction(own.clientTotal + own.scriptTotal) <= 1,
			},
			// A polling or heartbeat interval in the way would show as tens of ms or more.
			{ target: 'wake-up p50 ≤ 3× hot p50 (no interval in the way)', value: ratio(wakeStats.p50 / hotStats.p50), met: wakeStats.p50 <= 3 * hotStats.p50 },
		];
		console.log(`\n${table(['target', 'measured', ''], checks.map((c) => [c.target, c.value, verdict(c.met)]), { left: 3 })}`);
		report('idle', {
			functions: FUNCTIONS,
			windowSeconds: windowMs / 1000,
			connections: own.connections,
			sentPerFunctionPerSecond: perFunction(own.clientTotal),
			scriptPerFunctionPerSecond: perFunction(own.scriptTotal),
			sent: own.client,
			script: own.script,
			infoBaselinePerSecond: baselineRate,
			infoServedPerSecond: idleRate,
			wake: wakeStats,
			hot: hotStats,
			checks,
		});
	} finally {
		await server?.stop();
		stats.close();
		await deleteKeys([`${prefix}*`]);
	}
}

if (require.main === module) runMain(main);
