// n8n's own services and modules, reached from a node running inside n8n, for what a node's
// context does not carry: the project owning a workflow, n8n's configuration, the registry
// n8n serves its metrics from, stopping an execution and hearing that one ended. Internal to
// n8n, so feature-detected: outside n8n (unit tests, other hosts) every lookup is undefined.
import { createRequire } from 'node:module';

/** A project as n8n's ownership service gives it. */
export interface N8nProject {
	id: string;
	name?: string;
	/** "personal" or "team". */
	type?: string;
}

interface Container {
	get(service: unknown): unknown;
}

interface OwnershipService {
	getWorkflowProjectCached(workflowId: string): Promise<{ id?: unknown; name?: unknown; type?: unknown } | null>;
}

/** n8n's service files load before any workflow runs; this one tells where n8n is. */
const OWNERSHIP_SERVICE_FILE = /[\\/]n8n[\\/]dist[\\/]services[\\/]ownership\.service\.js$/;

let fromN8n: NodeJS.Require | undefined;

/** A require() that resolves modules as n8n's own code does, so it shares n8n's instances. */
function n8nRequire(): NodeJS.Require | undefined {
	if (!fromN8n) {
		const file = Object.keys(require.cache).find((path) => OWNERSHIP_SERVICE_FILE.test(path));
		if (file) fromN8n = createRequire(file);
	}
	return fromN8n;
}

/** A module as n8n's own code requires it (the same instance), or undefined. */
export function n8nModule<T>(modulePath: string): T | undefined {
	try {
		return n8nRequire()?.(modulePath) as T | undefined;
	} catch {
		return undefined;
	}
}

/** One of n8n's services from its DI container, or undefined. */
export function n8nService<T>(modulePath: string, exportName: string): T | undefined {
	try {
		const load = n8nRequire();
		if (!load) return undefined;
		const { Container } = load('@n8n/di') as { Container: Container };
		const service = (load(modulePath) as Record<string, unknown>)[exportName];
		return service ? (Container.get(service) as T) : undefined;
	} catch {
		return undefined;
	}
}

/** The project owning a workflow, as n8n's sub-workflow policy check reads it. */
async function owningProject(workflowId: string): Promise<N8nProject | undefined> {
	const ownership = n8nService<OwnershipService>('./ownership.service.js', 'OwnershipService');
	if (!ownership) return undefined;
	try {
		const project = await ownership.getWorkflowProjectCached(workflowId);
		if (!project || typeof project.id !== 'string') return undefined;
		return {
			id: project.id,
			name: typeof project.name === 'string' ? project.name : undefined,
			type: typeof project.type === 'string' ? project.type : undefined,
		};
	} catch {
		return undefined; // no such workflow yet (never saved)
	}
}

/** n8n's N8N_WORKFLOW_CALLER_POLICY_DEFAULT_OPTION, as its configuration resolved it. */
export function configuredCallerPolicyDefault(): string | undefined {
	const config = n8nService<{ workflows?: { callerPolicyDefaultOption?: unknown } }>('@n8n/config', 'GlobalConfig');
	const policy = config?.workflows?.callerPolicyDefaultOption;
	return typeof policy === 'string' ? policy : undefined;
}

/**
 * The project owning `workflowId`, where `context` runs (or edits) it: n8n's ownership
 * service, else the project id n8n put on the context's additional data.
 */
export async function projectOfWorkflow(context: object, workflowId: string): Promise<N8nProject | undefined> {
	const project = await owningProject(workflowId);
	if (project) return project;
	const projectId = (context as { additionalData?: { projectId?: unknown } }).additionalData?.projectId;
	return typeof projectId === 'string' && projectId !== '' ? { id: projectId } : undefined;
}

interface ExecutionService {
	stop(executionId: string, sharedWorkflowIds: string[]): Promise<unknown>;
}

/**
 * Stops an execution as n8n's Stop button does (a waiting one is marked canceled): false
 * when this n8n offers no way to, or the execution is not there (finished already).
 */
export async function stopExecution(executionId: string, workflowId: string): Promise<boolean> {
	const executions = n8nService<ExecutionService>('../executions/execution.service.js', 'ExecutionService');
	if (!executions) return false;
	try {
		await executions.stop(executionId, [workflowId]);
		return true;
	} catch {
		return false;
	}
}

/** What n8n tells of an execution that ended (its `workflow-post-execute` event), on main. */
export interface EndedExecution {
	executionId?: string;
	runData?: import('n8n-workflow').IRun;
	workflow?: { id?: string; nodes?: Array<{ name: string; type: string; disabled?: boolean }> };
}

interface EventService {
	on(event: 'workflow-post-execute', listener: (event: EndedExecution) => void): void;
}

/**
 * Hears every execution that ends in this process (n8n emits it where an execution's end is
 * known: main in queue mode). False when this n8n offers no way to.
 */
export function onExecutionEnded(listener: (event: EndedExecution) => void): boolean {
	const events = n8nService<EventService>('../events/event.service.js', 'EventService');
	if (!events || typeof events.on !== 'function') return false;
	events.on('workflow-post-execute', listener);
	return true;
}

interface ListenConfig {
	path?: unknown;
	port?: unknown;
	listen_address?: unknown;
	protocol?: unknown;
	endpoints?: { webhookWaiting?: unknown };
}

/**
 * Where this n8n process itself answers waiting executions' resume requests (its own
 * listener, on loopback), as `{ base, endpoint }`: a resume URL's part after
 * `/<endpoint>/` is the same whichever address it was made for.
 */
export function ownWaitingWebhooks(): { base: string; endpoint: string } | undefined {
	const config = n8nService<ListenConfig>('@n8n/config', 'GlobalConfig');
	if (!config || typeof config.port !== 'number' || typeof config.endpoints?.webhookWaiting !== 'string') return undefined;
	const protocol = config.protocol === 'https' ? 'https' : 'http';
	const listen = typeof config.listen_address === 'string' ? config.listen_address : '::';
	const host = listen === '::' || listen === '0.0.0.0' ? '127.0.0.1' : listen.includes(':') ? `[${listen}]` : listen;
	const path = typeof config.path === 'string' ? config.path.replace(/\/?$/, '/') : '/';
	return { base: `${protocol}://${host}:${config.port}${path}`, endpoint: config.endpoints.webhookWaiting };
}
