// Resident memory (RSS): of a process serving 100 functions, and of one with 10,000 calls
// in flight at once (answered by a server in another process), for the addon and its peers.
// Each measurement runs in a fresh process (bench/core/memory-probe.js).
//   node bench/core/memory.js [--quick]       BENCH_SYSTEMS=addon,node-redis,bullmq
'use strict';
const path = require('node:path');
const { forkReady, startServerProcess } = require('../support/child');
const { deleteKeys } = require('../support/cleanup');
const { redisUrl, scale, uniquePrefix, heading, report, runMain } = require('../support/options');
const { mib, table } = require('../support/stats');
const { selectedSystems } = require('./systems');

const PROBE = path.join(__dirname, 'memory-probe.js');

async function probe(mode, system, options) {
	const { child, message } = await forkReady(PROBE, [mode, system.id, JSON.stringify(options)], {
		isReady: (m) => m.memory,
		execArgv: ['--expose-gc'],
		timeoutMs: 180_000,
	});
	await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
	return message.memory;
}

async function main() {
	const served = 100;
	const calls = scale(10_000, 1000);
	heading(`Memory: serving ${served} functions; ${calls.toLocaleString('en-US')} calls in flight`);
	const prefix = uniquePrefix('memory');
	const systems = selectedSystems().filter((s) => s.id !== 'addon-respond-only');
	const results = {};
	try {
		for (const system of systems) {
			const serving = await probe('serve', system, { redisUrl, prefix: `${prefix}serve-${system.id}:`, count: served });
			const server = await startServerProcess(system.id, { redisUrl, prefix: `${prefix}call-${system.id}:` });
			let calling;
			try {
				calling = await probe('call', system, { redisUrl, prefix: `${prefix}call-${system.id}:`, count: calls });
			} finally {
				await server.stop();
			}
			results[system.id] = { label: system.label, serving, calling };
		}
		console.log(
			table(
				['serving 100 functions', 'bare Node', 'library loaded', 'serving', 'serving − loaded'],
				systems.map((s) => {
					const m = results[s.id].serving;
					return [s.label, mib(m.rssBare), mib(m.rssLoaded), mib(m.rssServing), mib(m.rssServing - m.rssLoaded)];
				}),
			),
		);
		console.log(
			`\n${table(
				[`${calls.toLocaleString('en-US')} concurrent calls`, 'before', 'all sent', 'peak', 'peak − before', 'after (gc)', 'seconds'],
				systems.map((s) => {
					const m = results[s.id].calling;
					return [s.label, mib(m.rssBefore), mib(m.rssAllSent), mib(m.rssPeak), mib(m.rssPeak - m.rssBefore), mib(m.rssAfter), m.seconds.toFixed(2)];
				}),
			)}`,
		);
		report('memory', { served, calls, systems: results });
	} finally {
		await deleteKeys([...new Set(systems.flatMap((s) => s.keyPatterns(prefix))), `${prefix}*`]);
	}
}

if (require.main === module) runMain(main);
