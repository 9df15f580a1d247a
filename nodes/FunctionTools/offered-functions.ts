// Which functions an agent is offered as tools: the one place that decides it, for the
// tools themselves, for the calls the agent makes, and for the editor's list to choose
// from. Always read from the registry at that moment, never cached, so an agent sees a
// function added, changed or renamed at its next step.
import type { CallerIdentity, FunctionInfo } from '../shared/addon-types';
import type { Functions } from '../shared/client';
import type { FunctionSelectionMode } from './properties';

export interface FunctionSelection {
	/** "__global__" or a workflow id. */
	scope: string;
	mode: FunctionSelectionMode;
	/** Function names chosen in the editor ("Selected" or "All Except"). */
	names: string[];
}

/** The functions of `scope` that `caller` may call, sorted by name. */
export async function functionsInScope(functions: Functions, scope: string, caller: CallerIdentity | undefined): Promise<FunctionInfo[]> {
	const listed = await functions.list(scope, caller);
	return listed.sort((a, b) => a.name.localeCompare(b.name));
}

/** Whether the selection chooses this function (its liveness aside). */
export function isChosen(selection: FunctionSelection, info: FunctionInfo): boolean {
	switch (selection.mode) {
		case 'selected':
			return selection.names.includes(info.name);
		case 'except':
			return !selection.names.includes(info.name);
		default:
			return true;
	}
}

/** The functions the selection chooses that `caller` may call, active or not. */
export async function chosenFunctions(
	functions: Functions,
	selection: FunctionSelection,
	caller: CallerIdentity | undefined,
): Promise<FunctionInfo[]> {
	return (await functionsInScope(functions, selection.scope, caller)).filter((info) => isChosen(selection, info));
}

/**
 * The functions offered to the agent as tools: the chosen ones that a running Function
 * trigger serves now. An inactive function is left out, since a call to it would only fail
 * (its workflow is not active).
 */
export async function offeredFunctions(
	functions: Functions,
	selection: FunctionSelection,
	caller: CallerIdentity | undefined,
): Promise<FunctionInfo[]> {
	return (await chosenFunctions(functions, selection, caller)).filter((info) => info.live);
}
