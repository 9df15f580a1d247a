// Where a function lives: "__global__" for a global one, the workflow id for a local one.
import { GuidedError } from './guided-error';

export const GLOBAL_SCOPE = '__global__';

/** Call Function's "This Workflow": resolved to the running workflow's id, so copies keep working. */
export const THIS_WORKFLOW = '__this__';

/** The scope Call Function's "workflow" value stands for in the workflow `currentWorkflowId`. */
export function resolveScope(selected: unknown, currentWorkflowId: string | undefined): string {
	const value = typeof selected === 'string' ? selected.trim() : '';
	if (value === '') {
		throw new GuidedError(
			'No workflow chosen for the function',
			'Choose in "Workflow" where the function is defined: "Global Functions" or "This Workflow".',
		);
	}
	if (value !== THIS_WORKFLOW) return value;
	if (!currentWorkflowId) {
		throw new GuidedError(
			'This workflow has no id yet',
			'Save the workflow first: functions of "This Workflow" are found by the workflow\'s id.',
		);
	}
	return currentWorkflowId;
}

export function describeScope(scope: string, workflowName?: string): string {
	if (scope === GLOBAL_SCOPE) return 'the global functions';
	return workflowName ? `workflow "${workflowName}" (${scope})` : `workflow ${scope}`;
}
