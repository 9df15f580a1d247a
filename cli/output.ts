// Where a command writes, and how it reads a confirmation: the process's own streams when
// run as the `n8n-functions` command, others in tests.

export interface Output {
	out(line: string): void;
	err(line: string): void;
	/** Asks a question and resolves with the answer; undefined when nobody can answer (no terminal). */
	ask(question: string): Promise<string | undefined>;
	/** Fires when the command should stop (Ctrl-C for `watch`). */
	stop: AbortSignal;
}

export function time(epochMs: number): string {
	return new Date(epochMs).toISOString().replace('T', ' ').replace('Z', '');
}

export function age(ms: number): string {
	if (ms < 1000) return `${Math.round(ms)} ms`;
	if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
	if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
	return `${(ms / 3_600_000).toFixed(1)} h`;
}

export function json(value: unknown): string {
	return JSON.stringify(value, null, 2);
}
