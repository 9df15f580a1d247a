// Who may call the function: n8n's "This workflow can be called by" of its workflow, with
// the project owning the workflow, read when the function is served. A policy changed in
// the workflow's settings applies from its next activation, as its parameters do.
import type { FunctionAccess } from '../shared/addon-types';
import { type N8nProject, configuredCallerPolicyDefault, projectOfWorkflow } from '../shared/n8n-services';

const CALLER_POLICIES = ['any', 'none', 'workflowsFromSameOwner', 'workflowsFromAList'] as const;
type CallerPolicy = (typeof CALLER_POLICIES)[number];

const N8N_DEFAULT_POLICY: CallerPolicy = 'workflowsFromSameOwner';

function isCallerPolicy(value: unknown): value is CallerPolicy {
	return (CALLER_POLICIES as readonly unknown[]).includes(value);
}

/**
 * n8n's default for workflows that set no policy: its configuration, else read from the
 * environment by n8n's rules (an invalid value falls back to n8n's default).
 */
function defaultCallerPolicy(env: NodeJS.ProcessEnv = process.env): CallerPolicy {
	const configured = configuredCallerPolicyDefault();
	if (isCallerPolicy(configured)) return configured;
	const raw = env.N8N_WORKFLOW_CALLER_POLICY_DEFAULT_OPTION;
	const value = raw?.trim().replace(/^(['"])(.*)\1$/, '$2');
	return isCallerPolicy(value) ? value : N8N_DEFAULT_POLICY;
}

/** The workflow settings this reads (n8n's IWorkflowSettings). */
export interface CallerSettings {
	callerPolicy?: unknown;
	callerIds?: unknown;
}

/** n8n's `callerIds`: a comma-separated list of workflow ids. */
function callerIdsOf(settings: CallerSettings): string[] {
	if (typeof settings.callerIds !== 'string') return [];
	return settings.callerIds
		.split(',')
		.map((id) => id.trim())
		.filter((id) => id !== '');
}

function functionAccess(settings: CallerSettings, project: N8nProject | undefined): FunctionAccess {
	const access: FunctionAccess = {
		policy: isCallerPolicy(settings.callerPolicy) ? settings.callerPolicy : defaultCallerPolicy(),
		projectId: project?.id ?? '',
	};
	const callerIds = callerIdsOf(settings);
	if (callerIds.length > 0) access.callerIds = callerIds;
	if (project?.name) access.projectName = project.name;
	return access;
}

/** The parts of the Function node's context this reads. */
interface FunctionContext {
	getWorkflow(): { id?: string };
	getWorkflowSettings(): CallerSettings;
}

/** The access of the function served in this context's workflow. */
export async function accessOfWorkflow(context: FunctionContext): Promise<FunctionAccess> {
	const workflowId = context.getWorkflow().id;
	const project = workflowId ? await projectOfWorkflow(context, workflowId) : undefined;
	return functionAccess(context.getWorkflowSettings() ?? {}, project);
}
