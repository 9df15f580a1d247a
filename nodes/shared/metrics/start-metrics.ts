// Turns the package's metrics on once per n8n process, before its first client: when n8n
// serves metrics (N8N_METRICS=true) and its registry was found, the addon counts calls
// from then on and the registry shows them. Otherwise nothing is counted and nothing costs.
import { LoggerProxy } from 'n8n-workflow';

import { PACKAGE_NAME } from '../addon';
import { registerFunctionMetrics, type MetricsSource } from './function-metrics';
import { n8nMetricsSettings, n8nRegistry } from './n8n-prometheus';

/** The addon's part: turning counting on, and the readers. */
export interface MetricsAddon extends MetricsSource {
	enableMetrics(): void;
}

let decided = false;

/** Idempotent; never throws (a call must not fail because of metrics). */
export function startMetrics(addon: MetricsAddon): void {
	if (decided) return;
	decided = true;
	try {
		const settings = n8nMetricsSettings();
		if (!settings.enabled) return;
		const registry = n8nRegistry();
		if (!registry) {
			LoggerProxy.info(
				`${PACKAGE_NAME}: N8N_METRICS is on, but n8n's prom-client registry was not found from n8n's installation, so functions add no metrics to /metrics.`,
			);
			return;
		}
		addon.enableMetrics();
		// Queue gauges are the deployment's, read from Redis: main reports them, as n8n's own
		// queue metrics (workers and webhook processes would only repeat them).
		const queues = settings.instanceType === undefined || settings.instanceType === 'main';
		registerFunctionMetrics(registry, settings.prefix, addon, queues);
	} catch (error) {
		LoggerProxy.info(`${PACKAGE_NAME}: functions add no metrics to /metrics: ${error instanceof Error ? error.message : String(error)}`);
	}
}
