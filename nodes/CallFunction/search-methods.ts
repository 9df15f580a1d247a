// What Call Function's editor asks the addon for: the functions of its "Function" dropdown
// and the fields of the chosen function's parameters (its "Workflow" dropdown is
// caller/editor-lists.ts'). Always live, never cached.
import type {
	ILoadOptionsFunctions,
	INodeListSearchResult,
	ResourceMapperFields,
} from 'n8n-workflow';

import { callerIdentity } from '../shared/caller-identity';
import { getFunctions } from '../shared/client';
import { toNodeError } from '../shared/node-error';
import { describeScope, resolveScope } from '../shared/scope';
import { functionChoices } from '../caller/choices';
import { editedWorkflowId, editedWorkflowName } from '../caller/editor-lists';
import { toMapperFields } from './mapper-fields';
import { type CallTarget, resolveTarget } from './target';

function currentValue(context: ILoadOptionsFunctions, parameter: string): unknown {
	return context.getCurrentNodeParameter(parameter, { extractValue: true });
}

function hasValue(value: unknown): boolean {
	return typeof value === 'string' && value.trim() !== '';
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
