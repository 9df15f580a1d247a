// Which function Call Function calls: the scope and name its two dropdowns stand for.
import { GuidedError } from '../shared/guided-error';
import { resolveScope } from '../shared/scope';

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
	return { scope, name };
}
