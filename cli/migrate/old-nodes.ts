// The nodes of n8n-nodes-function 0.2.1, recognized by type and read with the defaults its
// node descriptions declare: n8n leaves a parameter out of a workflow's JSON while it holds
// its default, so an absent parameter means that default.
import { CUSTOM, OLD_PACKAGE, splitType } from './node-types';
import type { NodeJson, WorkflowJson } from './workflow-json';

export type OldKind = 'function' | 'callFunction' | 'returnFromFunction' | 'testTrigger';

const OLD_NODE_NAMES: readonly OldKind[] = ['function', 'callFunction', 'returnFromFunction', 'testTrigger'];

/** Return from Function's default code in the old package. */
export const OLD_DEFAULT_RETURN_CODE = '// Return any value from this function\nreturn $json;';

/** Call Function's default "Response Variable Name" in the old package. */
export const OLD_DEFAULT_RESPONSE_VARIABLE = 'functionResult';

/**
 * Parameters only one package's node of the same name has. As custom extensions both
 * packages name two of their nodes alike (CUSTOM.callFunction, CUSTOM.returnFromFunction).
 */
const OLD_ONLY_PARAMETERS: Partial<Record<OldKind, string[]>> = {
	callFunction: ['workflowId', 'functionName', 'parameterMode', 'parameters', 'storeResponse', 'responseVariableName', 'lastConfiguredFunction', 'lastSelectedWorkflow', 'functionRefreshNotice'],
	returnFromFunction: ['returnCode'],
};
const OURS_ONLY_PARAMETERS: Partial<Record<OldKind, string[]>> = {
	callFunction: ['workflow', 'function', 'parametersMode', 'arguments', 'mode', 'options', 'redis', 'currentWorkflowId', 'currentWorkflowName'],
	returnFromFunction: ['respondWith', 'value', 'errorMessage', 'redis'],
};

function hasAny(node: NodeJson, names: string[] | undefined): boolean {
	return (names ?? []).some((name) => node.parameters !== undefined && name in node.parameters);
}

/** How sure a CUSTOM.<name> node is to be the old package's: by its parameters alone. */
function customNodeIs(node: NodeJson, kind: OldKind): 'old' | 'ours' | 'unsure' {
	if (hasAny(node, OLD_ONLY_PARAMETERS[kind])) return 'old';
	if (hasAny(node, OURS_ONLY_PARAMETERS[kind])) return 'ours';
	return 'unsure';
}

function kindByName(type: string): { kind: OldKind; custom: boolean } | undefined {
	const [prefix, name] = splitType(type);
	if (prefix !== OLD_PACKAGE && prefix !== CUSTOM) return undefined;
	const kind = OLD_NODE_NAMES.find((candidate) => candidate === name);
	return kind ? { kind, custom: prefix === CUSTOM } : undefined;
}

/**
 * The old nodes of a workflow, by node name. A CUSTOM.callFunction or
 * CUSTOM.returnFromFunction whose parameters do not tell is the old package's unless the
 * workflow holds one of this package's nodes and none that is surely the old package's.
 */
export function oldNodesOf(workflow: WorkflowJson): Map<string, OldKind> {
	const found = new Map<string, OldKind>();
	const unsure: Array<{ node: NodeJson; kind: OldKind }> = [];
	let surelyOld = false;
	let surelyOurs = false;
	for (const node of workflow.nodes) {
		const [prefix, name] = splitType(node.type);
		if (prefix === CUSTOM && name === 'functionTrigger') surelyOurs = true;
		const match = kindByName(node.type);
		if (!match) continue;
		const sureness = match.custom && OLD_ONLY_PARAMETERS[match.kind] ? customNodeIs(node, match.kind) : 'old';
		if (sureness === 'ours') surelyOurs = true;
		else if (sureness === 'unsure') unsure.push({ node, kind: match.kind });
		else {
			surelyOld = true;
			found.set(node.name, match.kind);
		}
	}
	if (surelyOld || !surelyOurs) for (const { node, kind } of unsure) found.set(node.name, kind);
	return found;
}

function parameter<T>(node: NodeJson, name: string, fallback: T): T {
	const value = node.parameters?.[name];
	return value === undefined ? fallback : (value as T);
}

function rows<T>(collection: unknown, key: string): T[] {
	const list = (collection as Record<string, unknown> | undefined)?.[key];
	return Array.isArray(list) ? (list as T[]) : [];
}

export interface OldParameterRow {
	name: string;
	type: string;
	required: boolean;
	defaultValue: string;
	description: string;
}

export interface OldFunction {
	description: string;
	parameters: OldParameterRow[];
}

export function readOldFunction(node: NodeJson): OldFunction {
	return {
		description: String(parameter(node, 'functionDescription', '')),
		parameters: rows<Partial<OldParameterRow>>(node.parameters?.parameters, 'parameter').map((row) => ({
			name: String(row.name ?? ''),
			type: String(row.type ?? 'string'),
			required: row.required === true,
			defaultValue: row.defaultValue === undefined || row.defaultValue === null ? '' : String(row.defaultValue),
			description: String(row.description ?? ''),
		})),
	};
}

export interface OldCall {
	/** The workflow selector's value as stored: a resource locator, a string, or nothing. */
	workflow: unknown;
	functionName: string;
	parameterMode: 'individual' | 'json';
	parametersJson: unknown;
	parameters: Array<{ name: string; value: unknown }>;
	storeResponse: boolean;
	responseVariableName: string;
}

export function readOldCall(node: NodeJson): OldCall {
	return {
		workflow: node.parameters?.workflowId,
		functionName: String(parameter(node, 'functionName', '')),
		parameterMode: parameter<unknown>(node, 'parameterMode', 'individual') === 'json' ? 'json' : 'individual',
		parametersJson: parameter<unknown>(node, 'parametersJson', '{}'),
		parameters: rows<{ name?: unknown; value?: unknown }>(node.parameters?.parameters, 'parameter').map((row) => ({
			name: String(row.name ?? ''),
			value: row.value === undefined ? '' : row.value,
		})),
		storeResponse: parameter<unknown>(node, 'storeResponse', false) === true,
		responseVariableName: String(parameter(node, 'responseVariableName', OLD_DEFAULT_RESPONSE_VARIABLE)),
	};
}

export function readOldReturnCode(node: NodeJson): string {
	return String(parameter(node, 'returnCode', OLD_DEFAULT_RETURN_CODE));
}
