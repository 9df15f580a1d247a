// The Function node's first step in every execution that runs a call: n8n runs a node's
// execute() when it is the first node of an execution outside the editor's test runs (for
// a call its trigger emitted, and for one a caller runs in its own process). It claims
// the call for this execution, so that a call its caller took back (no worker slot was
// free in time) or another execution runs is not run twice, and links the caller's
// execution.
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { findCallContext } from '../shared/call-context';
import type { Functions } from '../shared/client';

export const RUN_ELSEWHERE_HINT =
	"This execution did not run the call: its caller ran it in its own process (no worker slot was free soon enough), or another execution runs it. The caller's execution shows the function's answer.";
export const ALREADY_ANSWERED_HINT =
	'This execution did not run the call: it was answered already, or its caller stopped waiting for it (timeout) before a worker slot was free.';

export async function startOfCall(context: IExecuteFunctions, functions: Functions): Promise<INodeExecutionData[][]> {
	const items = context.getInputData();
	const call = findCallContext(items);
	if (!call) return [items];
	const outcome = await functions.start(call);
	if (outcome !== 'run') {
		context.addExecutionHints({ message: outcome === 'elsewhere' ? RUN_ELSEWHERE_HINT : ALREADY_ANSWERED_HINT, location: 'outputPane' });
		return [[]];
	}
	// n8n links a sub-execution it ran for a caller by itself; a trigger's execution is linked here.
	if (call.parent && !call.runner) context.setMetadata({ parentExecution: call.parent });
	return [items];
}
