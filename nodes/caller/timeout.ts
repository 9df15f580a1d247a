// How long a caller waits for a function: the "Timeout (Seconds)" of Call Function's and
// Function Tools' options.
import { GuidedError } from '../shared/guided-error';

export const DEFAULT_TIMEOUT_SECONDS = 30;

export function timeoutMsOf(options: { timeout?: number }): number {
	const seconds = options.timeout ?? DEFAULT_TIMEOUT_SECONDS;
	if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
		throw new GuidedError(
			`Timeout must be a positive number of seconds, not ${JSON.stringify(seconds)}`,
			`Set "Timeout (Seconds)" in the options to how long to wait for the function, e.g. ${DEFAULT_TIMEOUT_SECONDS}.`,
		);
	}
	return Math.max(1, Math.round(seconds * 1000));
}
