/**
 * Turning metrics on in a process: only when n8n serves metrics, and only into n8n's own
 * registry. Where that registry cannot be found (here: no n8n around the package), the
 * package says so once at info and carries on, counting nothing.
 */
import type { MetricsAddon } from '../../nodes/shared/metrics/start-metrics';
import { addon } from '../support/addon';

const infos: string[] = [];
const quiet = () => undefined;
const logger = { info: (message: string) => infos.push(message), warn: quiet, error: quiet, debug: quiet };

/** The real addon, noting whether it was asked to count. */
function watchedAddon(): MetricsAddon & { enabled: number } {
	const watched = {
		enabled: 0,
		enableMetrics: () => void watched.enabled++,
		metricsSnapshot: () => addon.metricsSnapshot(),
		queueMetrics: () => addon.queueMetrics(),
	};
	return watched;
}

/** startMetrics from a fresh copy of its module (its once-per-process state), with N8N_METRICS as given. */
function startFresh(metrics: string | undefined, target: MetricsAddon): void {
	const before = process.env.N8N_METRICS;
	if (metrics === undefined) delete process.env.N8N_METRICS;
	else process.env.N8N_METRICS = metrics;
	try {
		jest.isolateModules(() => {
			// n8n initialises its LoggerProxy at start; this copy of n8n-workflow is the module's own.
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			(require('n8n-workflow') as typeof import('n8n-workflow')).LoggerProxy.init(logger as never);
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const { startMetrics } = require('../../nodes/shared/metrics/start-metrics') as typeof import('../../nodes/shared/metrics/start-metrics');
			startMetrics(target);
			startMetrics(target);
		});
	} finally {
		if (before === undefined) delete process.env.N8N_METRICS;
		else process.env.N8N_METRICS = before;
	}
}

beforeEach(() => {
	infos.length = 0;
});

test('with metrics off, nothing is turned on and nothing is said', () => {
	const target = watchedAddon();
	startFresh(undefined, target);
	expect(target.enabled).toBe(0);
	expect(infos).toEqual([]);
});

test("with N8N_METRICS=true and no n8n registry to be found, it says so once at info and counts nothing", () => {
	const target = watchedAddon();
	startFresh('true', target);
	expect(target.enabled).toBe(0);
	expect(infos).toHaveLength(1);
	expect(infos[0]).toMatch(/N8N_METRICS is on, but n8n's prom-client registry was not found from n8n's installation/);
});
