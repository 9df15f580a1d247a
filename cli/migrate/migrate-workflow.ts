// One workflow migrated: each node of n8n-nodes-function replaced in place by this
// package's equivalent (same name, position and connections), a Code node added in front of
// a Return from Function whose code needs one. Other nodes and fields stay as they were.
import { addNote } from './attention';
import { convertCallNode } from './call-node';
import type { Findings } from './findings';
import { convertFunctionNode } from './function-node';
import { CUSTOM, type Installation, splitType } from './node-types';
import { oldNodesOf } from './old-nodes';
import { convertReturnNode } from './return-node';
import type { ScopePlan } from './scope-plan';
import type { NodeJson, SourcedWorkflow, WorkflowJson } from './workflow-json';

/** What became of one old node, for the report. */
export interface NodeChange {
	node: string;
	from: string;
	to: string;
}

export interface MigratedWorkflow {
	source: SourcedWorkflow;
	workflow: WorkflowJson;
	changes: NodeChange[];
}

export interface MigrationSettings {
	/** How this package is installed where the workflows go; undefined: as the old package was. */
	installation?: Installation;
}

function installationFor(node: NodeJson, settings: MigrationSettings): Installation {
	return settings.installation ?? (splitType(node.type)[0] === CUSTOM ? 'extension' : 'package');
}

function describeCall(node: NodeJson): string {
	const parameters = node.parameters ?? {};
	const fn = (parameters.function as { value?: string }).value;
	const scope = (parameters.workflow as { value?: string }).value;
	const options = parameters.options as { putResultIn?: string; resultField?: string };
	const where = options.putResultIn === 'field' ? `answer in field "${options.resultField}"` : 'item passed through';
	if (!fn) return 'Call Function (needs attention)';
	return `Call Function (${scope === '__global__' ? 'global' : 'this workflow'} "${fn}", ${parameters.parametersMode}, ${where})`;
}

/** The workflow with its old nodes migrated, or undefined when it has none. */
export function migrateWorkflow(source: SourcedWorkflow, plan: ScopePlan, settings: MigrationSettings, findings: Findings): MigratedWorkflow | undefined {
	const old = oldNodesOf(source.workflow);
	if (old.size === 0) return undefined;
	// Work on a copy: the plan holds the originals' nodes, and the input stays as it was read.
	const workflow = structuredClone(source.workflow);
	const at: SourcedWorkflow = { workflow, file: source.file };
	const changes: NodeChange[] = [];
	const added: NodeJson[] = [];
	workflow.nodes = workflow.nodes.map((node, index) => {
		const kind = old.get(node.name);
		const original = source.workflow.nodes[index];
		const installation = installationFor(node, settings);
		if (kind === 'function') {
			const fn = plan.functionOf.get(original);
			if (!fn) return node;
			const converted = convertFunctionNode(fn, installation, findings);
			changes.push({ node: node.name, from: 'Function', to: `Function trigger (${fn.scope} "${fn.newName}", ${fn.callers.length} call${fn.callers.length === 1 ? '' : 's'} in the workflows given)` });
			return converted;
		}
		if (kind === 'callFunction') {
			const call = plan.callOf.get(original);
			if (!call) return node;
			const converted = convertCallNode(call, installation, findings);
			changes.push({ node: node.name, from: 'Call Function', to: describeCall(converted) });
			return converted;
		}
		if (kind === 'returnFromFunction') {
			const converted = convertReturnNode(at, node, plan, installation, findings);
			if (converted.codeNode) added.push(converted.codeNode);
			const answer = converted.node.parameters?.respondWith === 'error' ? 'needs attention' : converted.way === 'expression' ? 'JSON Value expression' : `JSON Value from Code node "${converted.codeNode?.name}"`;
			changes.push({ node: node.name, from: 'Return from Function', to: `Return from Function (${answer})` });
			return converted.node;
		}
		if (kind === 'testTrigger') {
			findings.add('attention', at, node.name, "n8n-nodes-function's Test Trigger (a heartbeat every 30 s, for testing the package) has no equivalent: it is left as it was, and once the old package is uninstalled n8n shows it as not installed. Delete it.");
			const kept = { ...node };
			addNote(kept, 'NEEDS ATTENTION. The old package\'s Test Trigger has no equivalent here: delete it.');
			return kept;
		}
		return node;
	});
	workflow.nodes.push(...added);
	return { source, workflow, changes };
}
