// Functions in n8n's own Prometheus endpoint (N8N_METRICS=true), queue mode: after a known
// mix of calls, GET /metrics on main and on the worker's health port show the package's
// metrics beside n8n's own, with the values those calls make, and every query of the Grafana
// dashboard in examples/ finds its data there (README, "Metrics").
'use strict';
const path = require('node:path');
const { startN8nTopology } = require('./support/topology');
const { waitUntil } = require('./support/wait-until');
const { workflowFile, timedWebhook, errorOf } = require('./support/functions');
const { activateAll } = require('./scenarios/core');
const { scrape, find, valueOf, sumOf, selectorsWithoutData } = require('./support/prometheus');

const repoRoot = path.join(__dirname, '..');
const FILES = {
	add: path.join(repoRoot, 'examples', 'function-add.json'),
	callAdd: path.join(repoRoot, 'examples', 'call-add.json'),
	slow: workflowFile('failures-slow.json'),
	throws: workflowFile('failures-throws.json'),
	retries: workflowFile('failures-retries.json'),
	failureCallers: workflowFile('failures-callers.json'),
};
const FUNCTIONS = [
	{ file: FILES.add, name: 'add' },
	{ file: FILES.slow, name: 'slowToAnswer' },
	{ file: FILES.throws, name: 'findCustomer' },
	{ file: FILES.retries, name: 'findInvoice' },
];
const dashboard = require(path.join(repoRoot, 'examples', 'grafana-dashboard.json'));

const fn = (name) => `__global__/${name}`;
const m = (name) => `n8n_functions_${name}`;

describe('functions in /metrics, queue mode (main + one worker), N8N_METRICS=true', () => {
	let n8n;
	let main;
	let worker;

	beforeAll(async () => {
		n8n = await startN8nTopology({
			mode: 'queue',
			workers: 1,
			install: 'package',
			env: { N8N_METRICS: 'true' },
			workflowFiles: Object.values(FILES),
		});
		await n8n.timer.time('activate', () => activateAll(n8n, FUNCTIONS, [FILES.callAdd, FILES.failureCallers]));

		// The mix: three calls that return, one whose function throws, one whose function fails
		// all three of its attempts, one that times out after 2 s (its function takes 10 s).
		for (const a of [1, 2, 3]) expect((await n8n.webhook('add', { query: { a, b: 10 } })).body).toEqual({ sum: a + 10 });
		expect(errorOf(await timedWebhook(n8n, 'failures/throws'))).toMatch(/Customer 42 not found/);
		expect(errorOf(await timedWebhook(n8n, 'failures/retries'))).toMatch(/Invoice 7 not found/);
		expect(errorOf(await timedWebhook(n8n, 'failures/slow'))).toMatch(/did not answer within 2 s/);

		// The serving side counts as the executions end, which may be a moment after the answer.
		const scrapes = async () => [await scrape(n8n.baseUrl), await scrape(n8n.workers[0].healthUrl)];
		[main, worker] = await waitUntil(
			'the runs of every call counted',
			async () => {
				const both = await scrapes();
				const counted = sumOf(both, m('executions_total'), { function: fn('findInvoice'), outcome: 'failed' }) === 1;
				return counted && both;
			},
			{ timeoutMs: 30_000, intervalMs: 500 },
		);
	}, 420_000);

	afterAll(() => n8n?.stop(), 90_000);

	test("both serve n8n's own metrics and the package's", () => {
		for (const samples of [main, worker]) {
			expect(find(samples, 'n8n_process_cpu_user_seconds_total').length).toBe(1);
			expect(find(samples, m('calls_total')).length + find(samples, m('executions_total')).length).toBeGreaterThan(0);
		}
	});

	test("the callers' side, on the worker that ran the calling workflows: calls by outcome, durations, none in flight", () => {
		const calls = (name, outcome) => valueOf(worker, m('calls_total'), { function: fn(name), outcome });
		expect([calls('add', 'returned'), calls('add', 'failed')]).toEqual([3, 0]);
		expect(calls('findCustomer', 'failed')).toBe(1);
		expect(calls('findInvoice', 'failed')).toBe(1);
		expect(calls('slowToAnswer', 'timed_out')).toBe(1);
		const duration = (name, outcome, suffix, le) =>
			valueOf(worker, m(`call_duration_seconds_${suffix}`), { function: fn(name), outcome, ...(le ? { le } : {}) });
		expect(duration('add', 'returned', 'count')).toBe(3);
		expect(duration('add', 'returned', 'bucket', '+Inf')).toBe(3);
		expect(duration('slowToAnswer', 'timed_out', 'bucket', '1')).toBe(0); // it waited its 2 s
		expect(duration('slowToAnswer', 'timed_out', 'sum')).toBeGreaterThanOrEqual(2);
		const inFlight = find(worker, m('calls_in_flight'));
		expect(inFlight.length).toBe(4);
		expect(inFlight.every((s) => s.value === 0)).toBe(true);
		expect(find(main, m('calls_total'))).toEqual([]); // main made no calls
	});

	test("the functions' side, over main and the worker (where a run ends depends on where it ran)", () => {
		const both = [main, worker];
		const runs = (name, outcome) => sumOf(both, m('executions_total'), { function: fn(name), outcome });
		expect(runs('add', 'returned')).toBe(3);
		expect([runs('findCustomer', 'failed'), runs('findCustomer', 'retried')]).toEqual([1, 0]);
		expect([runs('findInvoice', 'failed'), runs('findInvoice', 'retried')]).toEqual([1, 2]);
		expect(sumOf(both, m('dead_lettered_total'), { function: fn('findCustomer') })).toBe(1);
		expect(sumOf(both, m('dead_lettered_total'), { function: fn('findInvoice') })).toBe(1);
		expect(sumOf(both, m('reclaimed_total'))).toBe(0);
	});

	test("the queues, read from Redis by main only (as n8n's own queue metrics)", () => {
		expect(valueOf(main, m('dead_letters'), { function: fn('findCustomer') })).toBe(1);
		expect(valueOf(main, m('dead_letters'), { function: fn('findInvoice') })).toBe(1);
		expect(valueOf(main, m('dead_letters'), { function: fn('add') })).toBe(0);
		expect(valueOf(main, m('queue_depth'), { function: fn('add') })).toBe(0);
		expect(valueOf(main, m('queue_oldest_age_seconds'), { function: fn('add') })).toBe(0);
		expect(find(worker, m('queue_depth'))).toEqual([]);
	});

	test("every query of the Grafana dashboard finds its data in the two scrapes", () => {
		const samples = [...main, ...worker];
		const options = { metricPrefix: 'n8n_functions_', variables: { function: '.*', __rate_interval: '5m' } };
		const queries = [
			...dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr)),
			...dashboard.templating.list.filter((v) => v.type === 'query').map((v) => v.definition),
		];
		expect(queries.length).toBeGreaterThan(10);
		const withoutData = queries.map((query) => [query, selectorsWithoutData(query, samples, options)]).filter(([, missing]) => missing.length);
		expect(withoutData).toEqual([]);
	});
});
