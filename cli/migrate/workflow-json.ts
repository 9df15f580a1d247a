// Workflows as `n8n export:workflow` writes them: only the fields the migration reads or
// writes are named; every other field is carried over as it is.

export interface NodeJson {
	id?: string;
	name: string;
	type: string;
	typeVersion?: number;
	position?: [number, number];
	parameters?: Record<string, unknown>;
	disabled?: boolean;
	notes?: string;
	notesInFlow?: boolean;
	[field: string]: unknown;
}

export interface ConnectionJson {
	node: string;
	type: string;
	index: number;
}

/** connections[source][type][output] = the connections leaving that output. */
export type ConnectionsJson = Record<string, Record<string, Array<ConnectionJson[] | null>>>;

export interface WorkflowJson {
	id?: string;
	name?: string;
	nodes: NodeJson[];
	connections: ConnectionsJson;
	settings?: { callerPolicy?: string; callerIds?: string; [field: string]: unknown };
	/** Who owns it (n8n export's relation): the owner's project, for the caller-policy check. */
	shared?: Array<{ role?: string; projectId?: string; project?: { id?: string; name?: string } }>;
	isArchived?: boolean;
	[field: string]: unknown;
}

/** A workflow and where it came from. */
export interface SourcedWorkflow {
	workflow: WorkflowJson;
	file: string;
}

/** "Orders" (id wf1), as the report names a workflow. */
export function describeWorkflow(workflow: WorkflowJson): string {
	return `"${workflow.name ?? '(unnamed)'}" (${workflow.id ?? 'no id'})`;
}

/** The project that owns the workflow, when the export says. */
export function owningProject(workflow: WorkflowJson): string | undefined {
	const owner = workflow.shared?.find((share) => share.role === 'workflow:owner') ?? workflow.shared?.[0];
	return owner?.projectId ?? owner?.project?.id;
}
