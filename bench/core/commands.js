// What one call asks of Redis: commands per call, sent by the caller's and the server's
// connections and run inside Lua scripts, for the addon and its peers (MONITOR, attributed
// by each system's own key prefix, so other clients of a shared Redis are left out).
//   node bench/core/commands.js [--quick]       BENCH_SYSTEMS=addon,node-redis,bullmq
'use strict';
const { startServerProcess } = require('../support/child');
const { deleteKeys } = require('../support/cleanup');
const { attribute, describeCounts, startMonitor } = require('../support/monitor');
const { redisUrl, scale, uniquePrefix, heading, report, runMain } = require('../support/options');
const { table } = require('../support/stats');
const { selectedSystems } = require('./systems');

async function main() {
	heading('Redis commands per call');
	const calls = scale(1000, 100);
	const inFlight = 16;
	const runPrefix = uniquePrefix('commands');
	const systems = selectedSystems();
	const results = {};
	try {
		for (const system of systems) {
			const prefix = `${runPrefix}${system.id}:`;
			const server = await startServerProcess(system.id, { redisUrl, prefix });
			const client = await system.startClient({ redisUrl, prefix });
			try {
				for (let i = 0; i < 20; i++) await client.call({ a: i, b: 1 }); // definitions cached, scripts loaded
				const monitor = await startMonitor(redisUrl);
				let next = 0;
				const worker = async () => {
					while (next < calls) await client.call({ a: next++, b: 1 });
				};
				await Promise.all(Array.from({ length: inFlight }, worker));
				await new Promise((resolve) => setTimeout(resolve, 200)); // the servers' last acknowledgements
				const own = attribute(await monitor.stop(), prefix);
				const perCall = (counts) => Object.fromEntries(Object.entries(counts).map(([c, n]) => [c, Number((n / calls).toFixed(2))]));
				results[system.id] = {
					label: system.label,
					sentPerCall: own.clientTotal / calls,
					scriptPerCall: own.scriptTotal / calls,
					sent: perCall(own.client),
					script: perCall(own.script),
				};
			} finally {
				await client.close().catch(() => {});
				await server.stop();
			}
		}
		console.log(
			table(
				[`per call (${calls} calls, ${inFlight} in flight)`, 'sent', 'in scripts', 'all (as INFO counts)'],
				systems.map((s) => {
					const r = results[s.id];
					return [s.label, r.sentPerCall.toFixed(2), r.scriptPerCall.toFixed(2), (r.sentPerCall + r.scriptPerCall).toFixed(2)];
				}),
			),
		);
		for (const s of systems) {
			const r = results[s.id];
			console.log(`\n${s.label}\n  sent:       ${describeCounts(r.sent)}\n  in scripts: ${describeCounts(r.script)}`);
		}
		report('commands', { calls, inFlight, systems: results });
	} finally {
		await deleteKeys([...new Set(systems.flatMap((s) => s.keyPatterns(runPrefix))), `${runPrefix}*`]);
	}
}

if (require.main === module) runMain(main);
