// The load the throughput benchmarks put on a system: `total` calls of add(i, 1), `inFlight`
// at a time, each answer checked, each call's latency kept.
'use strict';
const { msSince } = require('./stats');

/** `call(i)` sends call i; returns {seconds, perSecond, latencies}. */
async function drive(call, total, inFlight) {
	const latencies = new Array(total);
	let next = 0;
	const worker = async () => {
		while (next < total) {
			const i = next++;
			const start = process.hrtime.bigint();
			const value = await call(i);
			latencies[i] = msSince(start);
			if (value?.sum !== i + 1) throw new Error(`answered ${JSON.stringify(value)} to ${i} + 1`);
		}
	};
	const start = process.hrtime.bigint();
	await Promise.all(Array.from({ length: Math.min(inFlight, total) }, worker));
	const seconds = msSince(start) / 1000;
	return { seconds, perSecond: total / seconds, latencies };
}

module.exports = { drive };
