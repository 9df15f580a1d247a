// Decides, across all the workflows given, which function every old Call Function reaches
// and the scope each function gets, so every call reaches the same function as before.
// In the old package any workflow could call any workflow's function by its id; here a
// local function is private to its workflow. So: called only from its own workflow (or not
// at all) → local; called from another workflow → global, and global names must be unique.
import { UsageError } from '../arguments';
import { readOldTarget } from './call-target';
import type { Findings } from './findings';
import { THIS_PACKAGE, CUSTOM, splitType } from './node-types';
import { type OldCall, type OldFunction, oldNodesOf, readOldCall, readOldFunction } from './old-nodes';
import { type NodeJson, type SourcedWorkflow, describeWorkflow, owningProject } from './workflow-json';

export type Scope = 'local' | 'global';

export interface PlannedFunction {
	at: SourcedWorkflow;
	node: NodeJson;
	/** The old function's name: its node's name. */
	name: string;
	/** Its name here: the old one, or the one --rename gave it. */
	newName: string;
	definition: OldFunction;
	callers: PlannedCall[];
	scope: Scope;
	/** Other global functions of the same name: it stays local and its calls from elsewhere need attention. */
	collidesWith?: string[];
}

export interface PlannedCall {
	at: SourcedWorkflow;
	node: NodeJson;
	old: OldCall;
	target?: PlannedFunction;
	/** Why its function cannot be known or reached as before: the node is left needing attention. */
	problem?: string;
}

/** One of this package's global Function triggers already among the workflows given. */
interface ExistingGlobal {
	at: SourcedWorkflow;
	node: NodeJson;
	name: string;
}

export interface ScopePlan {
	functions: PlannedFunction[];
	functionOf: Map<NodeJson, PlannedFunction>;
	/** By functionKey(workflow id, node name). */
	functionByKey: Map<string, PlannedFunction>;
	callOf: Map<NodeJson, PlannedCall>;
}

/** `<workflow id>/<function name>`: how --rename names a function. */
export function functionKey(workflowId: string, name: string): string {
	return `${workflowId}/${name}`;
}

function workflowIdOf(at: SourcedWorkflow): string {
	return at.workflow.id ?? '';
}

function existingGlobals(workflows: SourcedWorkflow[]): ExistingGlobal[] {
	const globals: ExistingGlobal[] = [];
	for (const at of workflows) {
		for (const node of at.workflow.nodes) {
			const [prefix, name] = splitType(node.type);
			if (name !== 'functionTrigger' || (prefix !== THIS_PACKAGE && prefix !== CUSTOM) || node.disabled) continue;
			if (node.parameters?.scope !== 'global') continue;
			const functionName = String(node.parameters?.functionName ?? '').trim() || node.name;
			globals.push({ at, node, name: functionName });
		}
	}
	return globals;
}

function assertUniqueIds(workflows: SourcedWorkflow[]): void {
	const seen = new Map<string, string>();
	for (const { workflow, file } of workflows) {
		if (!workflow.id) continue;
		const earlier = seen.get(workflow.id);
		if (earlier !== undefined) {
			throw new UsageError(
				`Workflow id ${workflow.id} is in both ${earlier} and ${file}. Give the migration one export (n8n export:workflow --all --separate), not two copies of a workflow.`,
			);
		}
		seen.set(workflow.id, file);
	}
}

function collectFunctionsAndCalls(workflows: SourcedWorkflow[], renames: Map<string, string>) {
	const functions = new Map<string, PlannedFunction>();
	const calls: PlannedCall[] = [];
	for (const at of workflows) {
		for (const [nodeName, kind] of oldNodesOf(at.workflow)) {
			const node = at.workflow.nodes.find((candidate) => candidate.name === nodeName) as NodeJson;
			if (kind === 'function') {
				const key = functionKey(workflowIdOf(at), node.name);
				const newName = renames.get(key) ?? node.name;
				functions.set(key, { at, node, name: node.name, newName, definition: readOldFunction(node), callers: [], scope: 'local' });
			}
			if (kind === 'callFunction') calls.push({ at, node, old: readOldCall(node) });
		}
	}
	return { functions, calls };
}

function assertRenamesExist(renames: Map<string, string>, functions: Map<string, PlannedFunction>): void {
	for (const key of renames.keys()) {
		if (!functions.has(key)) {
			const known = [...functions.keys()].slice(0, 10).join(', ');
			throw new UsageError(`--rename names ${key}, which is no function of n8n-nodes-function among the workflows given (they are: ${known || 'none'}).`);
		}
	}
}

/** Finds each call's function; a call whose function cannot be known gets its problem. */
function resolveCalls(calls: PlannedCall[], functions: Map<string, PlannedFunction>, workflows: SourcedWorkflow[]): void {
	const byId = new Map(workflows.map((at) => [workflowIdOf(at), at]));
	for (const call of calls) {
		const target = readOldTarget(call.old.workflow, call.old.functionName, workflowIdOf(call.at));
		if ('problem' in target) {
			call.problem = target.problem;
			continue;
		}
		const planned = functions.get(functionKey(target.workflowId, target.name));
		if (planned) {
			call.target = planned;
			planned.callers.push(call);
			continue;
		}
		const workflow = byId.get(target.workflowId);
		call.problem = workflow
			? `it calls "${target.name}" of workflow ${describeWorkflow(workflow.workflow)}, which has no Function node of that name (the old package failed such calls too)`
			: `it calls "${target.name}" of workflow ${target.workflowId}, which is not among the workflows given: migrate an export of all workflows (n8n export:workflow --all) so the function's scope can be decided`;
	}
}

function describeFunction(fn: { name: string; at: SourcedWorkflow }): string {
	return `"${fn.name}" of workflow ${describeWorkflow(fn.at.workflow)}`;
}

function describeSharer(fn: PlannedFunction | ExistingGlobal): string {
	return 'callers' in fn ? describeFunction(fn) : `the global function ${describeFunction(fn)} (already of this package)`;
}

/** Global names must be unique: functions that would share one stay local; their calls from elsewhere need attention. */
function settleCollisions(functions: PlannedFunction[], existing: ExistingGlobal[]): void {
	const byName = new Map<string, Array<PlannedFunction | ExistingGlobal>>();
	for (const fn of functions.filter((candidate) => candidate.scope === 'global')) {
		byName.set(fn.newName, [...(byName.get(fn.newName) ?? []), fn]);
	}
	for (const global of existing) {
		if (byName.has(global.name)) byName.get(global.name)?.push(global);
	}
	for (const [name, sharing] of byName) {
		if (sharing.length < 2) continue;
		for (const fn of sharing) {
			if (!('callers' in fn)) continue;
			fn.collidesWith = sharing.filter((other) => other !== fn).map(describeSharer);
			fn.scope = 'local';
			for (const call of fn.callers) {
				if (call.at !== fn.at) {
					call.problem = `it calls ${describeFunction(fn)}, which would be a global function named "${name}" like ${fn.collidesWith.join(' and ')}; global names must be unique here`;
				}
			}
		}
	}
}

/** n8n's "This workflow can be called by" applies to functions here; the old package ignored it. */
function checkCallerPolicies(functions: PlannedFunction[], findings: Findings): void {
	for (const fn of functions) {
		const settings = fn.at.workflow.settings ?? {};
		const policy = settings.callerPolicy;
		const callers = fn.callers.filter((call) => !call.problem);
		if (callers.length === 0) continue;
		const refusedFrom = (predicate: (call: PlannedCall) => boolean) =>
			[...new Set(callers.filter(predicate).map((call) => describeWorkflow(call.at.workflow)))];
		let refused: string[] = [];
		let why = '';
		if (policy === 'none') {
			refused = refusedFrom(() => true);
			why = '"No other workflows", which here refuses every call of its functions, even from its own workflow';
		} else if (policy === 'workflowsFromAList') {
			const allowed = new Set(String(settings.callerIds ?? '').split(',').map((id) => id.trim()).filter(Boolean));
			refused = refusedFrom((call) => call.at !== fn.at && !allowed.has(call.at.workflow.id ?? ''));
			why = '"Selected workflows", and these callers are not among them';
		} else if (policy === undefined || policy === 'workflowsFromSameOwner') {
			const project = owningProject(fn.at.workflow);
			refused = refusedFrom((call) => call.at !== fn.at && project !== undefined && (owningProject(call.at.workflow) ?? project) !== project);
			why = `${policy ? '' : "n8n's default, "}"Only workflows in the same project", and these callers are in another project`;
		}
		if (refused.length === 0) continue;
		findings.add(
			'check',
			fn.at,
			fn.node.name,
			`Its workflow's setting "This workflow can be called by" is ${why}: calls from ${refused.join(', ')} will be refused at once. Change the setting (e.g. to "Any workflow" or "Selected workflows" listing them) to keep these calls working.`,
		);
	}
}

export function planScopes(workflows: SourcedWorkflow[], renames: Map<string, string>, findings: Findings): ScopePlan {
	assertUniqueIds(workflows);
	const { functions, calls } = collectFunctionsAndCalls(workflows, renames);
	assertRenamesExist(renames, functions);
	resolveCalls(calls, functions, workflows);
	const planned = [...functions.values()];
	for (const fn of planned) {
		fn.scope = fn.callers.some((call) => call.at !== fn.at) ? 'global' : 'local';
	}
	settleCollisions(planned, existingGlobals(workflows));
	checkCallerPolicies(planned, findings);
	return {
		functions: planned,
		functionOf: new Map(planned.map((fn) => [fn.node, fn])),
		functionByKey: functions,
		callOf: new Map(calls.map((call) => [call.node, call])),
	};
}
