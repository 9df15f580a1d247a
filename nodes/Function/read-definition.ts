// The definition a Function node serves, read from its parameters (in its trigger, and in
// the editor's test run, which n8n starts through the node's execute()).
import type { INode } from 'n8n-workflow';

import type { FunctionDefinition } from '../shared/addon-types';
import { type FunctionScopeSetting, type ParameterRow, buildFunctionDefinition } from './definition';

/** Reads one parameter of the node, with a fallback. */
export type ParameterReader = (name: string, fallback: unknown) => unknown;

export interface FunctionNodeInfo {
	node: INode;
	workflowId: string | undefined;
	workflowName: string | undefined;
}

export function readFunctionDefinition(read: ParameterReader, { node, workflowId, workflowName }: FunctionNodeInfo): FunctionDefinition {
	const definition = buildFunctionDefinition({
		functionName: read('functionName', '') as string,
		functionDescription: read('functionDescription', '') as string,
		scope: read('scope', 'local') as FunctionScopeSetting,
		parameters: (read('parameters.parameter', []) as ParameterRow[] | null) ?? [],
		nodeName: node.name,
		workflowId,
		workflowName,
		maxAttempts: ((read('options', {}) as { maxAttempts?: number } | null) ?? {}).maxAttempts,
	});
	// A caller inside n8n starts the function's workflow at this node when it runs a call itself.
	definition.startNode = node;
	return definition;
}
