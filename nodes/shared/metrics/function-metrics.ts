// The package's metrics as prom-client's registry reads them. The counts live in the addon
// (src/observe/metrics.rs), where calls are counted as they happen; each metric here is a
// view that reads them when n8n is scraped: the registry calls every metric's get() in one
// go, and they share one snapshot of the addon's counts (and one read of the queues). These
// are prom-client's metric objects in shape (name, help, type, get, reset), not its classes:
// its Histogram cannot be given counts made elsewhere, and this way nothing is counted twice.
import type { MetricsSnapshot, QueueMetrics } from '../addon-types';
import type { PromRegistry } from './n8n-prometheus';

/** What the metrics read: the addon's two readers. */
export interface MetricsSource {
	metricsSnapshot(): MetricsSnapshot;
	queueMetrics(): Promise<QueueMetrics[]>;
}

type Labels = Record<string, string | number>;

interface MetricValue {
	value: number;
	labels: Labels;
	/** For a histogram's `_bucket`, `_sum` and `_count` lines. */
	metricName?: string;
}

type MetricType = 'counter' | 'gauge' | 'histogram';

/** One metric, read at each scrape. */
class SnapshotMetric {
	/** How prom-client's cluster mode would combine processes (n8n does not use it). */
	readonly aggregator = 'sum';

	constructor(
		public name: string,
		readonly help: string,
		readonly type: MetricType,
		private readonly read: (name: string) => MetricValue[] | Promise<MetricValue[]>,
	) {}

	async get(): Promise<{ name: string; help: string; type: MetricType; values: MetricValue[]; aggregator: string }> {
		return { name: this.name, help: this.help, type: this.type, values: await this.read(this.name), aggregator: this.aggregator };
	}

	/** The counts belong to the addon, which never resets them (counters only grow). */
	reset(): void {}
}

/** `make()`'s result, shared by the calls made while one scrape runs (the same turn of the event loop). */
function perScrape<T>(make: () => T): () => T {
	let current: { value: T } | undefined;
	return () => {
		if (!current) {
			current = { value: make() };
			setImmediate(() => (current = undefined));
		}
		return current.value;
	};
}

function definitions(prefix: string, source: MetricsSource, queues: boolean): SnapshotMetric[] {
	const snapshot = perScrape(() => source.metricsSnapshot());
	const queueRead = perScrape(() => source.queueMetrics());
	const callers = () => snapshot().functions.flatMap((f) => (f.calls ? [{ function: f.function, calls: f.calls }] : []));
	const servers = () => snapshot().functions.flatMap((f) => (f.serving ? [{ function: f.function, serving: f.serving }] : []));
	const queue = async (value: (q: QueueMetrics) => number) =>
		(await queueRead()).map((q) => ({ labels: { function: q.function }, value: value(q) }));
	const metric = (name: string, help: string, type: MetricType, read: SnapshotMetric['read']) =>
		new SnapshotMetric(`${prefix}functions_${name}`, help, type, read);

	const metrics = [
		metric('calls_total', 'Calls this process made that ended, by function and outcome (returned, failed, timed_out, refused, inactive, unavailable, error).', 'counter', () =>
			callers().flatMap(({ function: fn, calls }) => calls.outcomes.map((o) => ({ labels: { function: fn, outcome: o.outcome }, value: o.count }))),
		),
		metric('call_duration_seconds', "How long this process's calls took, from the call to its answer (the caller's view), by function and outcome.", 'histogram', (name) => {
			const bounds = snapshot().durationBuckets;
			return callers().flatMap(({ function: fn, calls }) =>
				calls.outcomes
					.filter((o) => o.count > 0)
					.flatMap((o) => {
						const labels = { function: fn, outcome: o.outcome };
						return [
							...o.buckets.map((value, i) => ({ labels: { ...labels, le: i < bounds.length ? bounds[i] : '+Inf' }, value, metricName: `${name}_bucket` })),
							{ labels, value: o.sumSeconds, metricName: `${name}_sum` },
							{ labels, value: o.count, metricName: `${name}_count` },
						];
					}),
			);
		}),
		metric('calls_in_flight', 'Calls this process made that have not ended yet, by function.', 'gauge', () =>
			callers().map(({ function: fn, calls }) => ({ labels: { function: fn }, value: calls.inFlight })),
		),
		metric('executions_total', 'Runs of calls whose end this process handled, by function and outcome: returned, failed (answered with an error), timed_out (found past its deadline, not run), retried (failed with attempts left).', 'counter', () =>
			servers().flatMap(({ function: fn, serving }) => serving.executions.map((e) => ({ labels: { function: fn, outcome: e.outcome }, value: e.count }))),
		),
		metric('reclaimed_total', 'Calls held by an n8n process that stopped (its heartbeat was lost), taken over by this one to run again, by function.', 'counter', () =>
			servers().map(({ function: fn, serving }) => ({ labels: { function: fn }, value: serving.reclaimed })),
		),
		metric('dead_lettered_total', 'Calls this process moved to the dead letters (every attempt failed, or they could not be read), by function.', 'counter', () =>
			servers().map(({ function: fn, serving }) => ({ labels: { function: fn }, value: serving.deadLettered })),
		),
	];
	if (queues) {
		metrics.push(
			metric('queue_depth', "Calls sent and not answered yet, waiting for an execution or running in one, by function (read from Redis; reported by n8n's main processes).", 'gauge', () =>
				queue((q) => q.openCalls),
			),
			metric('queue_oldest_age_seconds', 'How long ago the oldest of those calls was sent, by function (0 with none).', 'gauge', () => queue((q) => q.oldestAgeSeconds)),
			metric('dead_letters', "Calls waiting in the function's dead letters (n8n-functions dead list shows them), by function.", 'gauge', () =>
				queue((q) => q.deadLetters),
			),
		);
	}
	return metrics;
}

/**
 * Adds the package's metrics to `registry`, replacing any of the same names (a package
 * loaded again); `queues`: with the gauges read from Redis. Returns their names.
 */
export function registerFunctionMetrics(registry: PromRegistry, prefix: string, source: MetricsSource, queues: boolean): string[] {
	const metrics = definitions(prefix, source, queues);
	for (const metric of metrics) {
		if (registry.getSingleMetric(metric.name)) registry.removeSingleMetric(metric.name);
		registry.registerMetric(metric);
	}
	return metrics.map((metric) => metric.name);
}
