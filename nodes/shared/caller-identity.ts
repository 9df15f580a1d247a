// Who calls a function: the workflow a node runs in (or is edited in) and the project that
// owns it, as n8n knows them. The function's caller policy is checked against this.
import type { CallerIdentity } from './addon-types';
import { projectOfWorkflow } from './n8n-services';

/** The parts of a node context this reads. */
interface NodeContext {
	getWorkflow(): { id?: string; name?: string };
}

/**
 * The calling workflow with its project; undefined when n8n does not say (then only
 * functions that any workflow may call take the call). `workflowId` defaults to the
 * context's workflow (the editor's list methods know it from the edited node instead).
 */
export async function callerIdentity(
	context: NodeContext,
	workflowId = context.getWorkflow().id,
	workflowName = context.getWorkflow().name,
): Promise<CallerIdentity | undefined> {
	if (!workflowId) return undefined;
	const projectId = (await projectOfWorkflow(context, workflowId))?.id;
	if (!projectId) return undefined;
	const identity: CallerIdentity = { workflowId, projectId };
	if (workflowName) identity.workflowName = workflowName;
	return identity;
}

/** The running workflow's identity, looked up once per node run (its context). */
const running = new WeakMap<NodeContext, Promise<CallerIdentity | undefined>>();

/** The identity of the workflow a node runs in: its calls and its lists of functions share one lookup. */
export function runningCaller(context: NodeContext): Promise<CallerIdentity | undefined> {
	let caller = running.get(context);
	if (!caller) {
		caller = callerIdentity(context);
		running.set(context, caller);
	}
	return caller;
}
