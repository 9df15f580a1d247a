// The entries of Call Function's "Workflow" and "Function" dropdowns, from the addon's
// list of registered functions (always fresh: never cached).
import type { INodeListSearchItems } from 'n8n-workflow';

import type { FunctionInfo, ParameterSpec } from '../shared/addon-types';
import { GLOBAL_SCOPE, THIS_WORKFLOW } from '../shared/scope';

function matches(filter: string | undefined, ...texts: string[]): boolean {
	const wanted = filter?.trim().toLowerCase();
	if (!wanted) return true;
	return texts.some((text) => text.toLowerCase().includes(wanted));
}

function countLabel(count: number): string {
	return count === 1 ? '1 function' : `${count} functions`;
}

export interface CurrentWorkflow {
	id?: string;
	name?: string;
}

/**
 * "Global Functions" and "This Workflow": the only scopes a workflow may call, since a local
 * function is private to the workflow that defines it. Every entry's value is a scope
 * (THIS_WORKFLOW stands for the current workflow).
 */
export function workflowChoices(
	functions: FunctionInfo[],
	current: CurrentWorkflow,
	filter?: string,
): INodeListSearchItems[] {
	const countIn = (scope: string | undefined) => functions.filter((info) => scope !== undefined && info.scope === scope).length;
	const choices: INodeListSearchItems[] = [
		{ name: 'Global Functions', value: GLOBAL_SCOPE, description: countLabel(countIn(GLOBAL_SCOPE)) },
		{
			name: current.name ? `This Workflow (${current.name})` : 'This Workflow',
			value: THIS_WORKFLOW,
			description: countLabel(countIn(current.id)),
		},
	];
	return choices.filter((item) => matches(filter, item.name, String(item.value)));
}

/** "(a: number, b?: string)": a function's parameters at a glance. */
export function signatureOf(parameters: ParameterSpec[]): string {
	const parts = parameters.map((p) => `${p.name}${p.required ? '' : '?'}: ${p.type}`);
	return `(${parts.join(', ')})`;
}

/** Longest description shown in a dropdown entry; the rest is cut off with "…". */
const LISTED_DESCRIPTION_LENGTH = 80;

function shortened(text: string): string {
	const oneLine = text.replace(/\s+/g, ' ').trim();
	return oneLine.length <= LISTED_DESCRIPTION_LENGTH ? oneLine : `${oneLine.slice(0, LISTED_DESCRIPTION_LENGTH - 1).trimEnd()}…`;
}

/**
 * What the Function dropdown shows for a function: "double(x: number) – Doubles a number".
 * n8n's resource-locator lists show an entry's name only, so the signature and the
 * description are part of it; the value stays the bare name.
 */
export function functionLabel(info: FunctionInfo): string {
	const inactive = info.live ? '' : ' (inactive)';
	const description = info.description?.trim() ? ` – ${shortened(info.description)}` : '';
	return `${info.name}${signatureOf(info.parameters)}${inactive}${description}`;
}

/** The functions of one scope; a function no running trigger serves is marked "(inactive)". */
export function functionChoices(functions: FunctionInfo[], filter?: string): INodeListSearchItems[] {
	return functions
		.filter((info) => matches(filter, info.name, info.description ?? ''))
		.sort((a, b) => a.name.localeCompare(b.name))
		.map((info) => ({ name: functionLabel(info), value: info.name, description: info.description }));
}
