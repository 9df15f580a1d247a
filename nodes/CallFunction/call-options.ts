// Call Function's "Options" collection, read into what the call and its output need.
import { GuidedError } from '../shared/guided-error';
import type { ResultPlacement } from './result-items';

export interface CallOptions {
	putResultIn?: 'outputItems' | 'field' | 'nowhere';
	resultField?: string;
	/** Seconds. */
	timeout?: number;
}

export const DEFAULT_TIMEOUT_SECONDS = 30;
export const DEFAULT_RESULT_FIELD = 'result';

export function placementOf(options: CallOptions): ResultPlacement {
	if (options.putResultIn === 'nowhere') return { kind: 'nowhere' };
	if (options.putResultIn !== 'field') return { kind: 'outputItems' };
	return { kind: 'field', field: options.resultField?.trim() || DEFAULT_RESULT_FIELD };
}

export function timeoutMsOf(options: CallOptions): number {
	const seconds = options.timeout ?? DEFAULT_TIMEOUT_SECONDS;
	if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
		throw new GuidedError(
			`Timeout must be a positive number of seconds, not ${JSON.stringify(seconds)}`,
			`Set "Timeout (Seconds)" in the options to how long to wait for the function, e.g. ${DEFAULT_TIMEOUT_SECONDS}.`,
		);
	}
	return Math.max(1, Math.round(seconds * 1000));
}
