// Links each call to the function's execution that answered it, the way n8n links Execute
// Workflow to its sub-executions: the caller's items (and its node) carry `subExecution`,
// which the editor turns into a "View sub-execution" link. The function's side links back
// (`parentExecution`): n8n does it for a function run in the caller's process, the
// Function node for one its trigger started.
import type { INodeExecutionData, IExecuteFunctions, NodeApiError, NodeOperationError, RelatedExecution } from 'n8n-workflow';

type NodeError = NodeOperationError | NodeApiError;

const links = new WeakMap<NodeError, RelatedExecution>();

/** `error`, remembering the execution that answered with it. */
export function linked(error: NodeError, execution: RelatedExecution | undefined): NodeError {
	if (execution) links.set(error, execution);
	return error;
}

export function subExecutionOf(error: NodeError): RelatedExecution | undefined {
	return links.get(error);
}

/** The items, each linked to `execution` (when there is one). */
export function withSubExecution(items: INodeExecutionData[], execution: RelatedExecution | undefined): INodeExecutionData[] {
	if (!execution) return items;
	return items.map((item) => ({ ...item, metadata: { ...item.metadata, subExecution: execution } }));
}

/** The error the node fails with, its node run linked to the execution that failed. */
export function failedCall(context: Pick<IExecuteFunctions, 'setMetadata'>, error: NodeError): NodeError {
	const execution = subExecutionOf(error);
	if (execution) context.setMetadata({ subExecution: execution, subExecutionsCount: 1 });
	return error;
}
