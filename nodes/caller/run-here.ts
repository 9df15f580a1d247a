// Runs a call in the caller's own process, as n8n runs a sub-workflow for Execute Workflow:
// the function's workflow starts inline, at its Function node, in the caller's worker slot,
// and is recorded as a sub-execution linked to the caller. n8n's sub-workflow start finder
// only starts at an Execute Workflow Trigger, so the execution stack is handed over ready
// made (`loadedRunData`, an option n8n's executeWorkflow passes on but does not type).
import { createRunExecutionData } from 'n8n-workflow';
import type { ExecuteWorkflowData, IExecuteFunctions, INode, INodeExecutionData, RelatedExecution } from 'n8n-workflow';

import type { CallStep, IncomingCall } from '../shared/addon-types';
import { failureOf } from '../shared/execution-outcome';
import { itemsOfCall } from '../shared/items-of-call';

/**
 * What running a call here needs of the caller's node context: Call Function's execute
 * context, or the supply-data context of a tool an AI agent calls (Function Tools).
 */
export type CallerContext = Pick<IExecuteFunctions, 'executeWorkflow' | 'getExecutionId' | 'getWorkflow'> &
	Partial<Pick<IExecuteFunctions, 'getExecutionCancelSignal'>>;

/** How a run here ended: over (failed with `error`, if it did), or paused in a Wait node. */
export type RunHereOutcome = { ended: true; error?: string; executionId?: string } | { ended: false; executionId?: string };

/** The internal options of n8n's executeWorkflow that this needs (n8n 2.x). */
interface InlineRunOptions {
	parentExecution: RelatedExecution;
	loadedRunData: {
		executionMode: 'integrated';
		executionData: ReturnType<typeof createRunExecutionData>;
		workflowData: { id: string; name: string; nodes: INode[]; connections: object; active: boolean; settings: object };
	};
}

/**
 * Whether this n8n can run a function's workflow here: it runs sub-workflows and builds run
 * data with `createRunExecutionData` (n8n 2.x, whose executeWorkflow passes `loadedRunData` on).
 */
export function canRunHere(context: CallerContext): boolean {
	return typeof context.executeWorkflow === 'function' && typeof createRunExecutionData === 'function';
}

/** The options that start the function's workflow at `startNode` with the call's items. */
function inlineRunOptions(
	context: CallerContext,
	workflowId: string,
	startNode: INode,
	items: INodeExecutionData[],
): InlineRunOptions {
	// The caller itself is woken when the call is answered (park in make-call.ts): n8n must
	// not resume it with the function's last node when the run, parked meanwhile, ends.
	const parentExecution: RelatedExecution = {
		executionId: context.getExecutionId(),
		workflowId: context.getWorkflow().id ?? '',
		shouldResume: false,
	};
	return {
		parentExecution,
		loadedRunData: {
			executionMode: 'integrated',
			executionData: createRunExecutionData({
				executionData: {
					nodeExecutionStack: [{ node: startNode, data: { main: [items] }, source: null, metadata: { parentExecution } }],
				},
				parentExecution,
			}),
			// n8n records this until the run's end replaces it with the published workflow.
			workflowData: { id: workflowId, name: startNode.name, nodes: [startNode], connections: {}, active: true, settings: {} },
		},
	};
}

/**
 * A sub-execution that paused in a long Wait made n8n park the caller's execution too
 * (Execute Workflow resumes it when the child ends). A caller that waits for the answer in
 * place instead must not be parked.
 */
export function unpark(context: CallerContext): void {
	const runExecutionData = (context as unknown as { runExecutionData?: { waitTill?: Date } }).runExecutionData;
	if (runExecutionData) runExecutionData.waitTill = undefined;
}

export async function runHere(context: CallerContext, step: CallStep): Promise<RunHereOutcome> {
	const call = step.run as IncomingCall;
	const workflowId = step.workflowId ?? '';
	const items = itemsOfCall(call);
	const options = inlineRunOptions(context, workflowId, step.startNode as INode, items);
	try {
		const result = (await context.executeWorkflow({ id: workflowId }, items, undefined, options as never)) as ExecuteWorkflowData & {
			waitTill?: Date;
		};
		if (result.waitTill) return { ended: false, executionId: result.executionId };
		return { ended: true, executionId: result.executionId };
	} catch (error) {
		const executionId = (error as { executionId?: unknown }).executionId;
		return { ended: true, error: failureOf(error), executionId: typeof executionId === 'string' ? executionId : undefined };
	}
}
