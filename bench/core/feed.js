// What the event feed costs: calls/s and p50 latency with the feed on ("addon") against off
// ("addon-feed-off", N8N_FUNCTIONS_EVENTS_MAX_LEN=0), at 1, 16 and 256 calls in flight. The
// two take turns in many short rounds, the order swapped every round, so a neighbour's load
// weighs on both alike; the ratio of each round's pair is kept and their median reported.
//   node bench/core/feed.js [--quick]
'use strict';
const { startServerProcess } = require('../support/child');
const { deleteKeys } = require('../support/cleanup');
const { redisUrl, scale, uniquePrefix, heading, report, runMain } = require('../support/options');
const { drive } = require('../support/drive');
const { summarize, ms, rate, ratio, table, verdict } = require('../support/stats');
const { loadSystem } = require('./systems');

const LEVELS = [1, 16, 256];

const median = (values) => summarize(values).p50;

async function main() {
	heading('Event feed: on against off');
	const rounds = scale(12, 6);
	const perRound = scale(2000, 400);
	const prefix = uniquePrefix('feed');
	const systems = [loadSystem('addon'), loadSystem('addon-feed-off')];
	const running = [];
	try {
		for (const system of systems) {
			const server = await startServerProcess(system.id, { redisUrl, prefix, concurrency: Math.max(...LEVELS) });
			const client = await system.startClient({ redisUrl, prefix });
			await drive((i) => client.call({ a: i, b: 1 }), scale(1000, 100), 16); // warm-up
			running.push({ server, client });
		}
		const [on, off] = running;
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
		console.log(`\n${table(['target', ''], [['feed within 10 % of off (calls/s and p50, every level)', verdict(met)]], { left: 1 })}`);
		report('feed', { levels: LEVELS, rounds, perRound, results, met });
	} finally {
		for (const r of running) {
			await r.client.close().catch(() => {});
			await r.server.stop();
		}
		await deleteKeys([`${prefix}*`]);
	}
}

if (require.main === module) runMain(main);
