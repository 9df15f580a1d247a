/**
 * Functions' metrics as n8n's /metrics shows them: after a known mix of calls (returned,
 * failed, timed out, retried, dead-lettered, refused, to nothing), a prom-client registry
 * (15.1.3, the version n8n ships) holds exactly those counts, through the real Redis and in
 * memory; the queue gauges read Redis.
 */
import { randomUUID } from 'node:crypto';

import { Registry } from 'prom-client';

import { registerFunctionMetrics } from '../../nodes/shared/metrics/function-metrics';
import { addon, Client, consume, definition, freshClient, GLOBAL, Served } from '../support/addon';

type Sample = { labels: Record<string, string | number>; value: number; metricName?: string };

/** The registry's samples of one metric (`suffix`: a histogram's `_bucket`, `_sum` or `_count`). */
async function samples(registry: Registry, name: string, suffix = ''): Promise<Sample[]> {
	const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === `n8n_functions_${name}`);
	const values = (metric?.values ?? []) as Sample[];
	return values.filter((v) => (v.metricName ?? metric?.name) === `n8n_functions_${name}${suffix}`);
}

/** `label → value` of one function's samples, keyed by `by` (outcome, le). */
async function byLabel(registry: Registry, name: string, fn: string, by: string, suffix = ''): Promise<Record<string, number>> {
	const found = (await samples(registry, name, suffix)).filter((s) => s.labels.function === fn);
	return Object.fromEntries(found.map((s) => [String(s.labels[by]), s.value]));
}

async function valueOf(registry: Registry, name: string, fn: string): Promise<number | undefined> {
	return (await samples(registry, name)).find((s) => s.labels.function === fn)?.value;
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
	const until = Date.now() + timeoutMs;
	for (;;) {
		const value = await read();
		if (done(value) || Date.now() > until) return value;
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

const registry = new Registry();

beforeAll(() => {
	addon.enableMetrics(); // before the clients: engines made earlier count nothing
	registerFunctionMetrics(registry, 'n8n_', addon, true);
});

describe.each(['redis', 'memory'] as const)('through the %s backend', (backend) => {
	let client: Client;
	const served: Served[] = [];
	// Counts are the process's, so every run names its functions afresh.
	const name = `mix-${randomUUID().slice(0, 8)}`;
	const fn = `${GLOBAL}/${name}`;

	beforeAll(async () => {
		client = freshClient(backend);
		const function_ = await client.serve(definition(name, { maxAttempts: 2 }));
		served.push(function_);
		// What each call's `a` asks the function's execution to do.
		void consume(function_, async (call) => {
			const { a } = call.items[0] as { a: number };
			if (a === 1) await client.respond(call.context, 'one');
			if (a === 2) await client.fail(call.context, 'two is refused');
			// a === 3: never answers (the caller times out)
			if (a === 4 && call.attempt === 1) await function_.finished(call.context, 'first try fails');
			if (a === 4 && call.attempt === 2) await client.respond(call.context, 'four');
			if (a === 5) await function_.finished(call.context, `attempt ${call.attempt} fails`);
		});
		const call = (a: number, timeoutMs = 10_000) => client.call({ scope: GLOBAL, name, items: [{ a }], timeoutMs });
		await expect(call(1)).resolves.toBe('one');
		await expect(call(2)).rejects.toThrow(/two is refused/);
		await expect(call(3, 300)).rejects.toMatchObject({ code: 'CALL_TIMEOUT' });
		await expect(call(4)).resolves.toBe('four');
		await expect(call(5)).rejects.toThrow(/attempt 2 fails/);
		await expect(client.call({ scope: GLOBAL, name, items: [{ a: 'not a number' }] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENTS' });
		await expect(client.call({ scope: GLOBAL, name: `${name}-nowhere`, items: [{}] })).rejects.toMatchObject({ code: 'FUNCTION_NOT_FOUND' });
	});

	afterAll(async () => {
		await Promise.all(served.splice(0).map((s) => s.close()));
	});

	test("calls by outcome, as their caller saw them", async () => {
		expect(await byLabel(registry, 'calls_total', fn, 'outcome')).toEqual({
			returned: 2,
			failed: 2,
			timed_out: 1,
			refused: 1,
			inactive: 0,
			unavailable: 0,
			error: 0,
			parked: 0,
		});
		expect(await byLabel(registry, 'calls_total', `${fn}-nowhere`, 'outcome')).toMatchObject({ inactive: 1 });
		expect(await valueOf(registry, 'calls_in_flight', fn)).toBe(0);
	});

	test('their durations: one histogram per outcome, the timed-out call past its 300 ms', async () => {
		expect(await byLabel(registry, 'call_duration_seconds', fn, 'outcome', '_count')).toEqual({
			returned: 2,
			failed: 2,
			timed_out: 1,
			refused: 1,
		});
		const timedOut = (await samples(registry, 'call_duration_seconds', '_bucket')).filter(
			(s) => s.labels.function === fn && s.labels.outcome === 'timed_out',
		);
		const bucket = (le: number | string) => timedOut.find((s) => s.labels.le === le)?.value;
		expect([bucket(0.25), bucket(86_400), bucket('+Inf')]).toEqual([0, 1, 1]);
		const [sum] = (await samples(registry, 'call_duration_seconds', '_sum')).filter(
			(s) => s.labels.function === fn && s.labels.outcome === 'timed_out',
		);
		expect(sum.value).toBeGreaterThanOrEqual(0.3);
		// As n8n's /metrics serves it.
		expect(await registry.metrics()).toContain(
			`n8n_functions_call_duration_seconds_bucket{function="${fn}",outcome="timed_out",le="+Inf"} 1`,
		);
	});

	test("the runs, on the function's side: retried, dead-lettered where Redis keeps dead letters", async () => {
		expect(await byLabel(registry, 'executions_total', fn, 'outcome')).toEqual({ returned: 2, failed: 2, timed_out: 0, retried: 2 });
		expect(await valueOf(registry, 'dead_lettered_total', fn)).toBe(backend === 'redis' ? 1 : 0);
		expect(await valueOf(registry, 'reclaimed_total', fn)).toBe(0);
	});

	if (backend === 'redis') {
		test('the queue gauges read Redis: open calls, the oldest one’s age, dead letters', async () => {
			// A function whose trigger stopped (n8n restarting): its calls wait in its stream.
			const waiting = `waiting-${randomUUID().slice(0, 8)}`;
			await (await client.serve(definition(waiting))).close();
			const calls = [1, 2].map((a) => client.call({ scope: GLOBAL, name: waiting, items: [{ a }], timeoutMs: 20_000 }));
			await new Promise((resolve) => setTimeout(resolve, 1100));
			// Reads are kept a few seconds: the first one showing the calls was made after this wait.
			const depth = await eventually(
				() => valueOf(registry, 'queue_depth', `${GLOBAL}/${waiting}`),
				(v) => v === 2,
			);
			expect(depth).toBe(2);
			expect(await valueOf(registry, 'queue_oldest_age_seconds', `${GLOBAL}/${waiting}`)).toBeGreaterThanOrEqual(1.1);
			expect(await valueOf(registry, 'dead_letters', fn)).toBe(1);
			expect(await valueOf(registry, 'queue_depth', fn)).toBe(0);
			// Its trigger back, the calls are answered.
			const again = await client.serve(definition(waiting));
			served.push(again);
			void consume(again, (call) => client.respond(call.context, 'late'));
			await expect(Promise.all(calls)).resolves.toEqual(['late', 'late']);
		});
	} else {
		test('regular mode has no queues in Redis: no queue gauges', async () => {
			expect(await valueOf(registry, 'queue_depth', fn)).toBeUndefined();
		});
	}
});
