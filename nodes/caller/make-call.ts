// One call, from Call Function or an agent's Function Tools: sent to the function's trigger, or
// run in this process when waiting for another process could starve this worker (see
// worker-slots.ts).
import type { RelatedExecution } from 'n8n-workflow';

import type { CallRequest, ExecutionRef } from '../shared/addon-types';
import { runningCaller } from '../shared/caller-identity';
import type { Functions } from '../shared/client';
import { type CallerContext, canRunHere, runHere } from './run-here';
import { inSlot, runHerePolicy } from './worker-slots';

/** How a call ended, with the function's execution that answered it, when n8n recorded one. */
export type CallOutcome = ({ value: unknown } | { error: unknown }) & { execution?: RelatedExecution };

/** The caller's execution, so the function's execution can be linked to it. */
function callerExecution(context: CallerContext): ExecutionRef | undefined {
	const executionId = context.getExecutionId?.();
	const workflowId = context.getWorkflow().id;
	return executionId && workflowId ? { executionId, workflowId } : undefined;
}

export async function makeCall(context: CallerContext, functions: Functions, request: CallRequest): Promise<CallOutcome> {
	const parent = callerExecution(context);
	if (parent) request.parent = parent;
	const caller = await runningCaller(context);
	if (caller) request.caller = caller;
	if (!parent || !canRunHere(context)) {
		try {
			return { value: await functions.call(request) };
		} catch (error) {
			return { error };
		}
	}
	const policy = runHerePolicy(parent.executionId);
	const outgoing = functions.begin(request, policy);
	// The last run of the call in this process, else the execution the answer names.
	let ranHere: RelatedExecution | undefined;
	try {
		let step = await outgoing.next();
		while (!step.done) {
			const outcome = await inSlot(policy.slot, async () => await runHere(context, step));
			if (outcome.executionId && step.workflowId) ranHere = { executionId: outcome.executionId, workflowId: step.workflowId };
			// A run paused in a Wait node may still return: then only its answer is awaited.
			step = outcome.ended ? await outgoing.ran(outcome.error) : await outgoing.next();
		}
		return { value: step.value, execution: ranHere ?? outgoing.answeredBy() };
	} catch (error) {
		return { error, execution: ranHere ?? outgoing.answeredBy() };
	}
}
