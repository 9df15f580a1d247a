// An execution of a call that parked (a Wait, an approval, a form) goes on later as a new
// run of n8n's, which its Function trigger did not start and whose end it does not see. n8n
// tells every execution's end on its main process (`workflow-post-execute`), where the
// triggers run: an execution of a call that ended without answering it is reported then, so
// its caller hears why at once, as for any execution. (One that never parked was reported
// by its trigger already; reporting it again changes nothing.)
import type { IRun } from 'n8n-workflow';

import type { CallContext } from '../shared/addon-types';
import { readCallContext } from '../shared/call-context';
import { outcomeOfRun } from '../shared/execution-outcome';
import { type EndedExecution, onExecutionEnded } from '../shared/n8n-services';

/** What reports an execution's end: the served function of the call's function. */
export interface EndReporter {
	finished(context: CallContext, error?: string): Promise<boolean>;
}

const FUNCTION_TRIGGER = '.functionTrigger';
const RETURN_FROM_FUNCTION = '.returnFromFunction';

/** The served functions of this process, by function key. */
const reporters = new Map<string, EndReporter>();
let listening = false;

/** Reports the ends of `key`'s resumed executions through `reporter` until the returned function is called. */
export function reportResumedEnds(key: string, reporter: EndReporter): () => void {
	reporters.set(key, reporter);
	if (!listening) listening = onExecutionEnded((event) => void reportEnd(event));
	return () => {
		if (reporters.get(key) === reporter) reporters.delete(key);
	};
}

/** The output of `nodeName`'s first run in `run`. */
function outputOf(run: IRun, nodeName: string): Array<{ json?: Record<string, unknown> }> {
	return (run.data?.resultData?.runData?.[nodeName]?.[0]?.data?.main?.[0] ?? []) as Array<{ json?: Record<string, unknown> }>;
}

/** The call an execution ran: what its Function trigger (or Function node) output. */
function callOf(event: EndedExecution): CallContext | undefined {
	const run = event.runData;
	if (!run) return undefined;
	for (const node of event.workflow?.nodes ?? []) {
		if (!node.type.endsWith(FUNCTION_TRIGGER)) continue;
		const context = readCallContext(outputOf(run, node.name)[0]?.json as never);
		if (context) return context;
	}
	return undefined;
}

/** Whether a Return from Function of the execution answered `callId`. */
function returned(event: EndedExecution, callId: string): boolean {
	const run = event.runData;
	return (event.workflow?.nodes ?? [])
		.filter((node) => node.type.endsWith(RETURN_FROM_FUNCTION))
		.some((node) => outputOf(run as IRun, node.name).some((item) => (item.json?.call as { callId?: unknown } | undefined)?.callId === callId));
}

async function reportEnd(event: EndedExecution): Promise<void> {
	const call = callOf(event);
	if (!call || !event.runData || returned(event, call.callId)) return;
	const reporter = reporters.get(call.function);
	const outcome = outcomeOfRun(event.runData);
	if (!reporter || !outcome.ended) return;
	await reporter.finished(call, outcome.error).catch(() => undefined);
}
