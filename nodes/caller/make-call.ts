// One call, from Call Function or an agent's Function Tools: sent to the function's trigger, or
// run in this process when waiting for another process could starve this worker (see
// worker-slots.ts). When the function's execution parks (a Wait, an approval, a form), the
// caller parks too where it can (`Parking`), or waits in place, holding its slot.
import type { RelatedExecution } from 'n8n-workflow';

import type { CallContext, CallRequest, CallStep, ExecutionRef, ParkedCaller } from '../shared/addon-types';
import { runningCaller } from '../shared/caller-identity';
import type { Functions, Outgoing } from '../shared/client';
import { type CallerContext, canRunHere, runHere, unpark } from './run-here';
import { inSlot, runHerePolicy } from './worker-slots';

/**
 * How a call ended, with the function's execution that answered it, when n8n recorded
 * one; or that it is parked with its caller, which the answer wakes (`parked`).
 */
export type CallOutcome = ({ value: unknown } | { error: unknown } | { parked: CallContext }) & {
	execution?: RelatedExecution;
};

/**
 * What a caller does when the function's execution parks: park its own execution too, to
 * be woken through `caller.resumeUrl`; or wait in place, holding its slot (`reason`: why it
 * cannot park, for the error when no slot may wait).
 */
export type Parking = { park: ParkedCaller } | { waitInPlace: string };

/** The caller's execution, so the function's execution can be linked to it. */
function callerExecution(context: CallerContext): ExecutionRef | undefined {
	const executionId = context.getExecutionId?.();
	const workflowId = context.getWorkflow().id;
	return executionId && workflowId ? { executionId, workflowId } : undefined;
}

export async function makeCall(
	context: CallerContext,
	functions: Functions,
	request: CallRequest,
	parking: Parking,
): Promise<CallOutcome> {
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
	// n8n's Stop on the caller's execution: its call stops waiting, and is answered with that.
	const stopped = context.getExecutionCancelSignal?.();
	const stop = () => outgoing.stop();
	stopped?.addEventListener('abort', stop, { once: true });
	// The last run of the call in this process, else the execution the answer names.
	let ranHere: RelatedExecution | undefined;
	try {
		let step = await outgoing.next();
		while (!step.done) {
			if (step.parked) {
				const parked = await parkOrWait(context, outgoing, parking);
				if ('context' in parked) return { parked: parked.context, execution: ranHere };
				step = parked.step;
				continue;
			}
			const outcome = await inSlot(policy.slot, async () => await runHere(context, step));
			if (outcome.executionId && step.workflowId) ranHere = { executionId: outcome.executionId, workflowId: step.workflowId };
			if (outcome.ended) {
				step = await outgoing.ran(outcome.error);
			} else {
				step = await outgoing.ranParked(ranHere);
			}
		}
		return { value: step.value, execution: ranHere ?? outgoing.answeredBy() };
	} catch (error) {
		return { error, execution: ranHere ?? outgoing.answeredBy() };
	} finally {
		stopped?.removeEventListener('abort', stop);
	}
}

/** The function's execution parked: the caller parks (resolving with its call) or waits on. */
async function parkOrWait(
	context: CallerContext,
	outgoing: Outgoing,
	parking: Parking,
): Promise<{ context: CallContext } | { step: CallStep }> {
	if ('park' in parking) {
		const call = outgoing.context;
		if (call && (await outgoing.park(parking.park))) return { context: call };
		return { step: await outgoing.next() }; // answered meanwhile
	}
	// A function run here that parked made n8n park this execution too: it waits instead.
	unpark(context);
	return { step: await outgoing.waitInPlace(parking.waitInPlace) };
}
