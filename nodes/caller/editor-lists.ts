// What the editor asks of every node that calls functions (Call Function, Function Tools):
// the workflows whose functions the caller may call, and which workflow is being edited.
// Always live, never cached.
import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { callerIdentity } from '../shared/caller-identity';
import { getFunctions } from '../shared/client';
import { toNodeError } from '../shared/node-error';
import { workflowChoices } from './choices';

/** The name of the list method of the "Workflow" dropdowns. */
export const SEARCH_WORKFLOWS = 'searchWorkflows';

/**
 * n8n builds the editor's list and field requests on a stand-in workflow without an id, but
 * the editor resolves expressions in the parameters it sends: this one carries the id of the
 * workflow being edited, so "This Workflow" can be looked up there too.
 */
export const CURRENT_WORKFLOW_ID = 'currentWorkflowId';

/** The name of the workflow being edited, resolved the same way, for "This Workflow (<name>)". */
export const CURRENT_WORKFLOW_NAME = 'currentWorkflowName';

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
export function editedWorkflowName(context: ILoadOptionsFunctions): string | undefined {
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
