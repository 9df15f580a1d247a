// What Call Function's calls came to, turned into its output: one outcome per input item
// ("each" mode) or one for all ("once" mode). The same whether the calls were answered
// while the node ran, or after it parked and was woken (parked-calls.ts).
import type { IExecuteFunctions, INodeExecutionData, NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { CallOutcome } from '../caller/make-call';
import { toNodeError } from '../shared/node-error';
import { failedCall, linked, subExecutionOf, withSubExecution } from './sub-executions';
import { type ResultPlacement, errorItem, outputForBatch, outputForItem } from './result-items';

export type NodeError = NodeOperationError | NodeApiError;

/** An answered outcome: no call of it is parked. */
export type Answered = Exclude<CallOutcome, { parked: unknown }>;

export type CallMode = 'each' | 'once';

/** What the node's output needs of its context: Call Function's, or its webhook's when woken. */
export type OutputContext = Pick<IExecuteFunctions, 'getNode' | 'continueOnFail' | 'setMetadata'>;

/**
 * The node's output from its calls' outcomes (one per item, or one for all items), each
 * linked to the function's execution that answered it. Without Continue On Fail the first
 * failure is thrown.
 */
export function outputOf(
	context: OutputContext,
	mode: CallMode,
	items: INodeExecutionData[],
	outcomes: Answered[],
	placement: ResultPlacement,
): INodeExecutionData[] {
	const node = context.getNode();
	if (mode === 'once') {
		const outcome = outcomes[0];
		// The execution that answered, linked as n8n links Execute Workflow's sub-execution.
		if (outcome.execution) context.setMetadata({ subExecution: outcome.execution, subExecutionsCount: 1 });
		if (!('error' in outcome)) return outputForBatch(items, outcome.value, placement);
		const nodeError = toNodeError(node, outcome.error);
		if (!context.continueOnFail()) throw nodeError;
		return items.map((item, index) => errorItem(item, index, nodeError));
	}
	context.setMetadata({ subExecutionsCount: outcomes.length });
	const outputs = outcomes.map((outcome, index): INodeExecutionData[] | NodeError => {
		if ('error' in outcome) return linked(toNodeError(node, outcome.error, index), outcome.execution);
		return withSubExecution(outputForItem(items[index], index, outcome.value, placement), outcome.execution);
	});
	const failed = outputs.find((output): output is NodeError => output instanceof Error);
	if (failed && !context.continueOnFail()) throw failedCall(context, failed);
	return outputs.flatMap((output, index) =>
		output instanceof Error ? withSubExecution([errorItem(items[index], index, output)], subExecutionOf(output)) : output,
	);
}
