// The editor's list of functions to choose in "Functions" and "Functions to Leave Out":
// Call Function's own entries ("name(signature) – description", inactive ones marked), from
// the same listing the agent's tools come from.
import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { functionChoices } from '../caller/choices';
import { editedWorkflowId } from '../caller/editor-lists';
import { callerIdentity } from '../shared/caller-identity';
import { getFunctions } from '../shared/client';
import { toNodeError } from '../shared/node-error';
import { resolveScope } from '../shared/scope';
import { functionsInScope } from './offered-functions';

export async function getFunctionOptions(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const workflowValue = this.getCurrentNodeParameter('workflow', { extractValue: true });
	if (typeof workflowValue !== 'string' || workflowValue.trim() === '') return [];
	try {
		const workflowId = editedWorkflowId(this);
		const scope = resolveScope(workflowValue, workflowId);
		const caller = await callerIdentity(this, workflowId);
		return functionChoices(await functionsInScope(await getFunctions(this), scope, caller)).map(({ name, value, description }) => ({
			name,
			value,
			description,
		}));
	} catch (error) {
		throw toNodeError(this.getNode(), error);
	}
}
