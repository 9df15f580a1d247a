// How a function's execution ended, from the IRun n8n settles emit's done promise with:
// what Served.finished() needs to answer a call nothing returned from.
import type { IRun } from 'n8n-workflow';

import { errorMessage } from '../shared/functions-error';

export type ExecutionOutcome =
	/** Paused (a Wait node): it resumes later and may still return, so the call stays open. */
	| { ended: false }
	/** Over; `error` says why it failed, if it did. */
	| { ended: true; error?: string };

interface ErrorLike {
	message?: unknown;
	node?: { name?: unknown };
}

function describeError(error: ErrorLike | undefined, fallbackNode?: string): string | undefined {
	if (!error || typeof error.message !== 'string' || error.message === '') return undefined;
	const node = typeof error.node?.name === 'string' ? error.node.name : fallbackNode;
	return node ? `${error.message} (node "${node}")` : error.message;
}

/** The error of the node that failed, found through the run data when the run has none. */
function failingNodeError(run: IRun): string | undefined {
	const resultData = run.data?.resultData;
	const runData = resultData?.runData ?? {};
	const last = resultData?.lastNodeExecuted;
	const candidates = last ? [last, ...Object.keys(runData)] : Object.keys(runData);
	for (const nodeName of candidates) {
		const tasks = runData[nodeName] ?? [];
		for (let index = tasks.length - 1; index >= 0; index--) {
			const message = describeError(tasks[index]?.error as ErrorLike | undefined, nodeName);
			if (message) return message;
		}
	}
	return undefined;
}

export function outcomeOfRun(run: IRun | undefined): ExecutionOutcome {
	if (!run) return { ended: true };
	if (run.status === 'waiting' || run.waitTill) return { ended: false };

	const error = describeError(run.data?.resultData?.error as ErrorLike | undefined) ?? failingNodeError(run);
	if (error) return { ended: true, error };

	switch (run.status) {
		case 'canceled':
			return { ended: true, error: "The function's execution was canceled" };
		case 'crashed':
			return { ended: true, error: "The function's execution crashed" };
		case 'error':
			return { ended: true, error: "The function's execution failed" };
		default:
			return { ended: true };
	}
}

/**
 * The outcome when emit's done promise rejects: the execution could not start, or n8n
 * stopped it (canceled, timed out).
 */
export function outcomeOfRejection(reason: unknown): ExecutionOutcome {
	return { ended: true, error: errorMessage(reason) };
}

/** Why an execution failed, from the error n8n threw for it (a sub-execution's failing node). */
export function failureOf(error: unknown): string {
	return describeError(error as ErrorLike) ?? errorMessage(error);
}
