// Whether this n8n process is shutting down: n8n closes every trigger then, as it does when
// a workflow is deactivated, and the two mean different things to callers (a restart keeps
// calls queued; a deactivation fails them at once). n8n stops on SIGTERM and SIGINT.
let stopping = false;
let watching = false;

/**
 * Starts watching n8n's shutdown signals. Only where something listens for them already
 * (n8n does, from its start): a listener of ours must never change what a signal does.
 */
export function watchForShutdown(): void {
	if (watching) return;
	watching = true;
	for (const signal of ['SIGTERM', 'SIGINT'] as const) {
		if (process.listenerCount(signal) > 0) process.prependOnceListener(signal, () => (stopping = true));
	}
}

export function isProcessStopping(): boolean {
	return stopping;
}
