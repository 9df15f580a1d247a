// Call Function's "Options" collection, read into what the call and its output need.
import type { ResultPlacement } from './result-items';

export { DEFAULT_TIMEOUT_SECONDS, timeoutMsOf } from '../caller/timeout';

export interface CallOptions {
	putResultIn?: 'outputItems' | 'field' | 'nowhere';
	resultField?: string;
	/** Seconds. */
	timeout?: number;
}

export const DEFAULT_RESULT_FIELD = 'result';

export function placementOf(options: CallOptions): ResultPlacement {
	if (options.putResultIn === 'nowhere') return { kind: 'nowhere' };
	if (options.putResultIn !== 'field') return { kind: 'outputItems' };
	return { kind: 'field', field: options.resultField?.trim() || DEFAULT_RESULT_FIELD };
}
