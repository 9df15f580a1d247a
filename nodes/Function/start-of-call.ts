// The Function node's first step in every execution that runs a call: n8n runs a node's
// execute() when it is the first node of an execution outside the editor's test runs (for
// a call its trigger emitted, and for one a caller runs in its own process). It claims
// the call for this execution, so that a call its caller took back (no worker slot was
// free in time) or another execution runs is not run twice, and links the caller's
// execution.
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { findCallContext } from '../shared/call-context';
import type { Functions } from '../shared/client';
import { runningDefinition, withRunningDefaults } from './running-definition';

export const RUN_ELSEWHERE_HINT =
	"This execution did not run the call: its caller ran it in its own process (no worker slot was free soon enough), or another execution runs it. The caller's execution shows the function's answer.";
export const ALREADY_ANSWERED_HINT =
	'This execution did not run the call: it was answered already, or its caller stopped waiting for it (timeout) before a worker slot was free.';

export async function startOfCall(context: IExecuteFunctions, functions: Functions): Promise<INodeExecutionData[][]> {
	const items = context.getInputData();
	const call = findCallContext(items);
	if (!call) return [items];
	const workflowId = context.getWorkflow().id;
	const execution = workflowId ? { executionId: context.getExecutionId(), workflowId } : undefined;
	const outcome = await functions.start(call, execution);
	if (outcome !== 'run') {
		context.addExecutionHints({ message: outcome === 'elsewhere' ? RUN_ELSEWHERE_HINT : ALREADY_ANSWERED_HINT, location: 'outputPane' });
		return [[]];
	}
	// n8n links a sub-execution it ran for a caller by itself; a trigger's execution is linked here.
	if (call.parent && !call.runner) context.setMetadata({ parentExecution: call.parent });
	const unanswered = pathsWithoutReturn(context);
	if (unanswered.length > 0) {
		context.addExecutionHints({ message: withoutReturnHint(unanswered), location: 'outputPane' });
	}
	return [withRunningDefaults(items, runningDefinition(context))];
}

const RETURN_TYPE_SUFFIX = '.returnFromFunction';

/**
 * The last nodes of paths from this node that reach no Return from Function: an execution
 * ending there leaves its call unanswered, so n8n records it as a success while the caller
 * gets an error. (A branch an IF or Switch leaves unconnected is not seen.)
 */
function pathsWithoutReturn(context: IExecuteFunctions): string[] {
	const isReturn = (node: { type: string; disabled?: boolean }) => node.type.endsWith(RETURN_TYPE_SUFFIX) && !node.disabled;
	const self = context.getNode().name;
	const downstream = context.getChildNodes(self);
	if (downstream.length === 0) return [self];
	return downstream
		.filter((node) => !isReturn(node) && context.getChildNodes(node.name).length === 0)
		.filter((last) => !context.getParentNodes(last.name).some(isReturn))
		.map((last) => last.name);
}

function withoutReturnHint(lastNodes: string[]): string {
	const names = lastNodes.map((name) => `"${name}"`).join(', ');
	return `The path ending at ${names} reaches no Return from Function: when a call takes it, this execution ends as a success, but its caller gets the error "its execution ended without reaching a Return from Function node".`;
}
