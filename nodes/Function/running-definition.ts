// The function as the version of its workflow that runs this execution declares it. n8n
// starts an execution with the workflow version published at that moment, which can be
// newer than the definition the call was checked against (the workflow was published anew
// while the call waited, or between a caller checking it and running it). Its Function
// node decides, as a trigger's own definition does for the calls it takes: parameters the
// caller did not know get their defaults.
import type { IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';

import type { FunctionDefinition } from '../shared/addon-types';
import { FUNCTION_CALL_FIELD } from '../shared/call-context';
import { GuidedError } from '../shared/guided-error';
import { readFunctionDefinition } from './read-definition';

/**
 * The Function node as the running workflow has it. n8n's own Workflow object is internal
 * (`this.workflow`); where it is missing, the node the execution started with.
 */
function runningNode(context: IExecuteFunctions): INode {
	const workflow = (context as unknown as { workflow?: { getNode?: (name: string) => INode | null } }).workflow;
	return workflow?.getNode?.(context.getNode().name) ?? context.getNode();
}

/** A parameter of a node as n8n stores it (only what differs from its default). */
function rawParameter(node: INode, path: string, fallback: unknown): unknown {
	let value: unknown = node.parameters;
	for (const part of path.split('.')) {
		if (typeof value !== 'object' || value === null) return fallback;
		value = (value as Record<string, unknown>)[part];
	}
	return value ?? fallback;
}

export function runningDefinition(context: IExecuteFunctions): FunctionDefinition {
	const node = runningNode(context);
	const workflow = context.getWorkflow();
	return readFunctionDefinition((name, fallback) => rawParameter(node, name, fallback), {
		node,
		workflowId: workflow.id,
		workflowName: workflow.name,
	});
}

/**
 * The call's items with the defaults of parameters the caller did not send; a required
 * parameter it could not know of fails the call, saying the function changed.
 */
export function withRunningDefaults(items: INodeExecutionData[], definition: FunctionDefinition): INodeExecutionData[] {
	return items.map((item) => {
		const json = { ...item.json };
		for (const parameter of definition.parameters) {
			if (parameter.name in json) continue;
			if (parameter.default !== undefined && parameter.default !== null) {
				json[parameter.name] = parameter.default;
			} else if (parameter.required) {
				throw new GuidedError(
					`The function "${definition.name}" changed while the call waited: its parameter "${parameter.name}" is now required`,
					'Call it again: the caller then checks the arguments against the function as it is now.',
				);
			}
		}
		// The context stays last, where the trigger put it.
		const { [FUNCTION_CALL_FIELD]: context, ...args } = json;
		return { ...item, json: context === undefined ? args : { ...args, [FUNCTION_CALL_FIELD]: context } };
	});
}
