// Requests to production webhooks: one timed request, sequential rounds that interleave the
// scenarios (a noisy neighbour weighs on all alike), and concurrent batches.
'use strict';
const { msSince } = require('../support/stats');

let counter = 0;

/**
 * One GET /webhook/<path>?a&b, checked. Returns {ms, start, end} (epoch ms at both ends, for
 * lining the request up with n8n's execution records and Redis's MONITOR clock).
 */
async function request(baseUrl, scenario) {
	const a = counter++ % 1000;
	const b = 3;
	const url = `${baseUrl}/webhook/${scenario.path}?a=${a}&b=${b}`;
	const start = Date.now();
	const t0 = process.hrtime.bigint();
	const response = await fetch(url, { signal: AbortSignal.timeout(120_000) });
	const text = await response.text();
	const ms = msSince(t0);
	const end = Date.now();
	let body;
	try {
		body = JSON.parse(text);
	} catch {
		body = text;
	}
	if (response.status !== 200 || !scenario.check(a, b)(body)) {
		throw new Error(`${scenario.path}?a=${a}&b=${b} answered ${response.status}: ${text.slice(0, 300)}`);
	}
	return { ms, start, end };
}

/**
 * Requests one at a time, scenario after scenario, `count(scenario)` per scenario (a number
 * for all alike); → {id: [ms…]}.
 */
async function sequential(baseUrl, scenarios, count, onRequest = () => {}) {
	const countOf = typeof count === 'function' ? count : () => count;
	const samples = Object.fromEntries(scenarios.map((s) => [s.id, []]));
	const most = Math.max(...scenarios.map(countOf));
	for (let i = 0; i < most; i++) {
		for (const scenario of scenarios.filter((s) => i < countOf(s))) {
			const r = await request(baseUrl, scenario);
			samples[scenario.id].push(r.ms);
			onRequest(scenario, r);
		}
	}
	return samples;
}

/**
 * `total(scenario)` requests per scenario at `concurrency`, in `rounds(scenario)` turns per
 * scenario, the scenarios taking turns; → {id: {requests, seconds, latencies}}.
 */
async function concurrent(baseUrl, scenarios, total, concurrency, rounds) {
	const totalOf = typeof total === 'function' ? total : () => total;
	const roundsOf = typeof rounds === 'function' ? rounds : () => rounds;
	const out = Object.fromEntries(scenarios.map((s) => [s.id, { requests: 0, seconds: 0, latencies: [] }]));
	const most = Math.max(...scenarios.map(roundsOf));
	for (let round = 0; round < most; round++) {
		for (const scenario of scenarios.filter((s) => round < roundsOf(s))) {
			let left = Math.min(Math.ceil(totalOf(scenario) / roundsOf(scenario)), totalOf(scenario) - out[scenario.id].requests);
			if (left <= 0) continue;
			const t0 = process.hrtime.bigint();
			const worker = async () => {
				while (left > 0) {
					left--;
					out[scenario.id].latencies.push((await request(baseUrl, scenario)).ms);
				}
			};
			const started = left;
			await Promise.all(Array.from({ length: concurrency }, worker));
			out[scenario.id].seconds += msSince(t0) / 1000;
			out[scenario.id].requests += started;
		}
	}
	return out;
}

module.exports = { request, sequential, concurrent };
