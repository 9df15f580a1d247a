// Where n8n serves its metrics from (N8N_METRICS=true): prom-client's default registry, the
// one n8n's PrometheusMetricsService hands to GET /metrics on main and on each worker's
// health port. A second copy of prom-client would be a registry nobody reads, so it is
// required from n8n's own files (n8n-services.ts), and n8n's own settings say whether
// metrics are on, with which prefix, and what kind of process this is.
import { n8nModule, n8nService } from '../n8n-services';

/** The part of a prom-client registry this package uses (prom-client 15, as n8n 2.x ships). */
export interface PromRegistry {
	registerMetric(metric: object): void;
	getSingleMetric(name: string): unknown;
	removeSingleMetric(name: string): void;
}

export interface N8nMetricsSettings {
	/** n8n serves GET /metrics (N8N_METRICS). */
	enabled: boolean;
	/** Before every metric name (N8N_METRICS_PREFIX, default `n8n_`). */
	prefix: string;
	/** "main", "worker" or "webhook"; undefined when n8n's InstanceSettings cannot be read. */
	instanceType?: string;
}

interface MetricsConfig {
	enable?: unknown;
	prefix?: unknown;
}

/** n8n's metrics settings as n8n resolved them; outside n8n, from the environment. */
export function n8nMetricsSettings(env: NodeJS.ProcessEnv = process.env): N8nMetricsSettings {
	const config = n8nService<{ endpoints?: { metrics?: MetricsConfig } }>('@n8n/config', 'GlobalConfig')?.endpoints?.metrics;
	const instance = n8nService<{ instanceType?: unknown }>('n8n-core', 'InstanceSettings');
	const enabled = typeof config?.enable === 'boolean' ? config.enable : env.N8N_METRICS === 'true';
	const prefix = typeof config?.prefix === 'string' ? config.prefix : (env.N8N_METRICS_PREFIX ?? 'n8n_');
	const instanceType = typeof instance?.instanceType === 'string' ? instance.instanceType : undefined;
	return { enabled, prefix, instanceType };
}

/** prom-client's default registry as n8n requires it; undefined where n8n's cannot be found. */
export function n8nRegistry(): PromRegistry | undefined {
	const promClient = n8nModule<{ register?: Partial<PromRegistry> }>('prom-client');
	const registry = promClient?.register;
	const usable =
		typeof registry?.registerMetric === 'function' &&
		typeof registry.getSingleMetric === 'function' &&
		typeof registry.removeSingleMetric === 'function';
	return usable ? (registry as PromRegistry) : undefined;
}
