// What Call Function's editor asks the addon for: the workflows and functions of its two
// dropdowns and the fields of the chosen function's parameters. Always live, never cached.
import type {
	ILoadOptionsFunctions,
	INodeListSearchResult,
	ResourceMapperFields,
} from 'n8n-workflow';

import { callerIdentity } from '../shared/caller-identity';
import { getFunctions } from '../shared/client';
import { toNodeError } from '../shared/node-error';
import { describeScope, resolveScope } from '../shared/scope';
import { functionChoices, workflowChoices } from './choices';
import { toMapperFields } from './mapper-fields';
import { CURRENT_WORKFLOW_ID, CURRENT_WORKFLOW_NAME } from './properties';
import { type CallTarget, resolveTarget } from './target';

function currentValue(context: ILoadOptionsFunctions, parameter: string): unknown {
	return context.getCurrentNodeParameter(parameter, { extractValue: true });
}

function hasValue(value: unknown): boolean {
	return typeof value === 'string' && value.trim() !== '';
}

/** A hidden parameter as the editor resolved it; undefined when it sent the expression itself. */
function resolvedByEditor(context: ILoadOptionsFunctions, parameter: string): string | undefined {
	const resolved = context.getCurrentNodeParameter(parameter);
	// An unresolved expression ("={{ $workflow.id }}") means the editor did not resolve it.
	return typeof resolved === 'string' && resolved !== '' && !resolved.startsWith('=') ? resolved : undefined;
}

/** The id of the workflow being edited: from the context, else as the editor resolved it for us. */
export function editedWorkflowId(context: ILoadOptionsFunctions): string | undefined {
	return context.getWorkflow().id || resolvedByEditor(context, CURRENT_WORKFLOW_ID);
}

/** Its name, for "This Workflow (<name>)": n8n's stand-in workflow has none of its own. */
function editedWorkflowName(context: ILoadOptionsFunctions): string | undefined {
	return context.getWorkflow().name || resolvedByEditor(context, CURRENT_WORKFLOW_NAME);
}

export async function searchWorkflows(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	try {
		const functions = await getFunctions(this);
		const current = { id: editedWorkflowId(this), name: editedWorkflowName(this) };
		const callable = await functions.list(undefined, await callerIdentity(this, current.id, current.name));
		return { results: workflowChoices(callable, current, filter) };
	} catch (error) {
		throw toNodeError(this.getNode(), error);
	}
}

export async function searchFunctions(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const workflowValue = currentValue(this, 'workflow');
	if (!hasValue(workflowValue)) return { results: [] };
	try {
		const functions = await getFunctions(this);
		const workflowId = editedWorkflowId(this);
		const scope = resolveScope(workflowValue, workflowId);
		const callable = await functions.list(scope, await callerIdentity(this, workflowId, editedWorkflowName(this)));
		return { results: functionChoices(callable, filter) };
	} catch (error) {
		throw toNodeError(this.getNode(), error);
	}
}

export async function getParameterFields(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	const workflowValue = currentValue(this, 'workflow');
	const functionValue = currentValue(this, 'function');
	if (!hasValue(workflowValue) || !hasValue(functionValue)) {
		return { fields: [], emptyFieldsNotice: 'Choose a workflow and a function first.' };
	}
	let target: CallTarget;
	try {
		target = resolveTarget(workflowValue, functionValue, editedWorkflowId(this));
		const info = await (await getFunctions(this)).describe(target.scope, target.name);
		if (!info) {
			return {
				fields: [],
				emptyFieldsNotice: `No function "${target.name}" is registered in ${describeScope(target.scope)}. Activate the workflow that defines it, then refresh.`,
			};
		}
		if (info.parameters.length === 0) {
			return { fields: [], emptyFieldsNotice: `The function "${info.name}" takes no parameters.` };
		}
		return { fields: toMapperFields(info.parameters) };
	} catch (error) {
		throw toNodeError(this.getNode(), error);
	}
}
