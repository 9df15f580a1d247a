// Which function Call Function calls: the scope and name its two dropdowns stand for.
import { GuidedError } from '../shared/guided-error';
import { GLOBAL_SCOPE, resolveScope } from '../shared/scope';

export interface CallTarget {
	scope: string;
	name: string;
}

export function resolveTarget(workflowValue: unknown, functionValue: unknown, currentWorkflowId: string | undefined): CallTarget {
	const scope = resolveScope(workflowValue, currentWorkflowId);
	const name = typeof functionValue === 'string' ? functionValue.trim() : '';
	if (name === '') {
		throw new GuidedError('No function chosen', 'Choose in "Function" which function to call.');
	}
	// A local function is private to its workflow: only global functions cross workflows.
	if (scope !== GLOBAL_SCOPE && scope !== currentWorkflowId) {
		throw new GuidedError(
			`Function "${name}" of workflow ${scope} is local to that workflow`,
			'Only the workflow that defines a local function can call it. To call it from here, set the Scope of its Function node to "Global", or choose "Global Functions" or "This Workflow" in "Workflow".',
		);
	}
	return { scope, name };
}
