// Bounded polling: every wait here has a deadline and an error that says where to look.
'use strict';

/**
 * Calls `probe` until it returns a truthy value or `timeoutMs` passes.
 * `abort()` may return a reason to stop at once (e.g. the process exited); `hint` (text, or a
 * function giving it) is added to the error.
 */
async function waitUntil(what, probe, { timeoutMs, intervalMs = 200, abort = () => null, hint = '' }) {
	const deadline = Date.now() + timeoutMs;
	const hintText = () => {
		const text = typeof hint === 'function' ? hint() : hint;
		return text ? `\n${text}` : '';
	};
	let lastError;
	for (;;) {
		const reason = abort();
		if (reason) throw new Error(`${what}: ${reason}${hintText()}`);
		try {
			const value = await probe();
			if (value) return value;
		} catch (error) {
			lastError = error;
		}
		if (Date.now() >= deadline) {
			const last = lastError ? ` (last error: ${lastError.message})` : '';
			throw new Error(`${what}: not within ${timeoutMs / 1000} s${last}${hintText()}`);
		}
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
}

/** True when GET `url` answers 200 (any network error counts as "not yet"). */
async function answers200(url) {
	const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
	await response.arrayBuffer();
	return response.status === 200;
}

module.exports = { waitUntil, answers200 };
