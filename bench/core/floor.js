// The floor: Redis's own round trip as a Node process sees it, on a raw TCP socket (no
// client library in the way): PING, and XADD of a call-sized entry to a capped stream.
// node-redis's PING is shown too, as a typical JS client's cost.
//   node bench/core/floor.js [--quick]
'use strict';
const { createClient } = require('redis');
const { RespConnection } = require('../support/resp');
const { deleteKeys } = require('../support/cleanup');
const { redisUrl, scale, uniquePrefix, heading, report, runMain } = require('../support/options');
const { summarize, msSince, ms, table } = require('../support/stats');

// About the size of one of the addon's call entries (ids, deadline, reply channel, {a, b}).
const CALL_SIZED = JSON.stringify({ v: 1, id: 'f'.repeat(32), items: [{ a: 1, b: 2 }], deadline: Date.now(), replyTo: `bench-floor:inbox:${'e'.repeat(32)}` });

async function timeEach(n, fn) {
	const samples = new Array(n);
	for (let i = 0; i < n; i++) {
		const start = process.hrtime.bigint();
		await fn(i);
		samples[i] = msSince(start);
	}
	return samples;
}

/** Opens the floor's connections; `measure(n)` returns {ping, xadd, nodeRedisPing} samples (ms). */
async function openFloor(prefix) {
	const raw = await RespConnection.connect(redisUrl);
	const nodeRedis = createClient({ url: redisUrl });
	await nodeRedis.connect();
	const stream = `${prefix}floor`;
	return {
		async measure(n) {
			return {
				ping: await timeEach(n, () => raw.command('PING')),
				xadd: await timeEach(n, () => raw.command('XADD', stream, 'MAXLEN', '~', 1000, '*', 'call', CALL_SIZED)),
				nodeRedisPing: await timeEach(n, () => nodeRedis.ping()),
			};
		},
		async close() {
			raw.close();
			await nodeRedis.close();
		},
	};
}

const FLOOR_ROWS = [
	['ping', 'PING, raw socket'],
	['xadd', 'XADD, raw socket'],
	['nodeRedisPing', 'PING, node-redis'],
];

async function main() {
	heading('Floor: Redis round trips');
	const prefix = uniquePrefix('floor');
	const floor = await openFloor(prefix);
	try {
		await floor.measure(scale(500, 50)); // warm-up
		const n = scale(10_000, 500);
		const samples = await floor.measure(n);
		const result = Object.fromEntries(FLOOR_ROWS.map(([key]) => [key, summarize(samples[key])]));
		console.log(
			table(
				['round trip', 'n', 'p50', 'p99', 'max'],
				FLOOR_ROWS.map(([key, label]) => [label, result[key].n, ms(result[key].p50), ms(result[key].p99), ms(result[key].max)]),
			),
		);
		report('floor', result);
	} finally {
		await floor.close();
		await deleteKeys([`${prefix}*`]);
	}
}

module.exports = { openFloor, FLOOR_ROWS, timeEach };

if (require.main === module) runMain(main);
