// What a setting of the addon costs: calls/s and p50 latency with it on against off, at 1, 16
// and 256 calls in flight, in the same run. The two take turns in many short rounds, the order
// swapped every round, so a neighbour's load weighs on both alike; the ratio of each round's
// pair is kept and their median reported. Each system has its consumer in a process of its
// own and its client in this one, under a key prefix of its own; `off` is started first (a
// setting an engine reads when it is made may be the process's).
'use strict';
const { startServerProcess } = require('./child');
const { deleteKeys } = require('./cleanup');
const { redisUrl, scale, uniquePrefix, heading, report } = require('./options');
const { drive } = require('./drive');
const { summarize, rate, ratio, table, verdict } = require('./stats');
const { loadSystem } = require('../core/systems');

const LEVELS = [1, 16, 256];

const median = (values) => summarize(values).p50;

/**
 * @param {object} options
 * @param {string} options.name the result's name for bench/core/run.js (and the key prefix)
 * @param {string} options.title
 * @param {string} options.what what is on, for the target line ("event feed")
 * @param {string} options.on system id with it on
 * @param {string} options.off system id with it off
 */
async function compareOnOff({ name, title, what, on: onId, off: offId }) {
	heading(title);
	const rounds = scale(12, 6);
	const perRound = scale(2000, 400);
	const prefix = uniquePrefix(name);
	const running = new Map();
	try {
		for (const id of [offId, onId]) {
			const system = loadSystem(id);
			const server = await startServerProcess(system.id, { redisUrl, prefix, concurrency: Math.max(...LEVELS) });
			const client = await system.startClient({ redisUrl, prefix });
			running.set(id, { server, client });
			await drive((i) => client.call({ a: i, b: 1 }), scale(1000, 100), 16); // warm-up
		}
		const [on, off] = [running.get(onId), running.get(offId)];
		const byLevel = Object.fromEntries(LEVELS.map((l) => [l, { rate: [], p50: [], on: [], off: [] }]));
		for (let round = 0; round < rounds; round++) {
			for (const level of LEVELS) {
				const pair = round % 2 === 0 ? [on, off] : [off, on];
				const measured = new Map();
				for (const r of pair) measured.set(r, await drive((i) => r.client.call({ a: i, b: 1 }), perRound, level));
				const [a, b] = [measured.get(on), measured.get(off)];
				const at = byLevel[level];
				at.rate.push(a.perSecond / b.perSecond);
				at.p50.push(median(a.latencies) / median(b.latencies));
				at.on.push(a.perSecond);
				at.off.push(b.perSecond);
			}
		}
		const results = Object.fromEntries(
			LEVELS.map((l) => {
				const at = byLevel[l];
				return [l, { rateRatio: median(at.rate), p50Ratio: median(at.p50), on: median(at.on), off: median(at.off) }];
			}),
		);
		const rows = LEVELS.map((l) => {
			const x = results[l];
			return [`${l} in flight`, rate(x.on), rate(x.off), ratio(x.rateRatio), ratio(x.p50Ratio)];
		});
		console.log(table(['', 'calls/s on', 'calls/s off', 'calls/s on / off', 'p50 on / off'], rows));
		console.log(`(medians of ${rounds} rounds of ${perRound.toLocaleString('en-US')} calls each way)`);
		const met = LEVELS.every((l) => results[l].rateRatio >= 0.9 && results[l].p50Ratio <= 1.1);
		console.log(`\n${table(['target', ''], [[`${what} within 10 % of off (calls/s and p50, every level)`, verdict(met)]], { left: 1 })}`);
		report(name, { levels: LEVELS, rounds, perRound, results, met });
	} finally {
		for (const r of running.values()) {
			await r.client.close().catch(() => {});
			await r.server.stop();
		}
		await deleteKeys([`${prefix}*`]);
	}
}

module.exports = { compareOnOff };
