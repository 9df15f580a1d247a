// Function Tools' parameters, read into what listing the functions and calling them need.
import type { ISupplyDataFunctions, IExecuteFunctions } from 'n8n-workflow';

import { timeoutMsOf } from '../caller/timeout';
import { GuidedError } from '../shared/guided-error';
import { GLOBAL_SCOPE, resolveScope } from '../shared/scope';
import type { FunctionSelection } from './offered-functions';
import type { FunctionSelectionMode } from './properties';

export interface ToolSettings {
	selection: FunctionSelection;
	timeoutMs: number;
}

function names(value: unknown): string[] {
	const list = Array.isArray(value) ? value : typeof value === 'string' && value.trim() !== '' ? value.split(',') : [];
	return list.map((name) => String(name).trim()).filter((name) => name !== '');
}

export function readToolSettings(context: ISupplyDataFunctions | IExecuteFunctions, itemIndex: number): ToolSettings {
	const currentWorkflowId = context.getWorkflow().id;
	const scope = resolveScope(context.getNodeParameter('workflow', itemIndex, '', { extractValue: true }), currentWorkflowId);
	// A local function is private to its workflow: only global functions cross workflows.
	if (scope !== GLOBAL_SCOPE && scope !== currentWorkflowId) {
		throw new GuidedError(
			`The functions of workflow ${scope} are local to that workflow`,
			'An agent can use the global functions and those of its own workflow. Choose "Global Functions" or "This Workflow" in "Functions Of", or set the Scope of the Function nodes to "Global".',
		);
	}
	const mode = context.getNodeParameter('include', itemIndex, 'all') as FunctionSelectionMode;
	const chosen = mode === 'selected' ? 'includeFunctions' : mode === 'except' ? 'excludeFunctions' : undefined;
	const selection: FunctionSelection = { scope, mode, names: chosen ? names(context.getNodeParameter(chosen, itemIndex, [])) : [] };
	const options = context.getNodeParameter('options', itemIndex, {}) as { timeout?: number };
	return { selection, timeoutMs: timeoutMsOf(options) };
}
