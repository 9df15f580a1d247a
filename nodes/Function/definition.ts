// Builds the FunctionDefinition the addon serves from the Function trigger's parameters.
import type { FunctionDefinition, ParameterSpec } from '../shared/addon-types';
import { FUNCTION_CALL_FIELD } from '../shared/call-context';
import { GuidedError } from '../shared/guided-error';
import { GLOBAL_SCOPE } from '../shared/scope';
import { parseParameterDefault } from './parameter-default';
import { PARAMETER_TYPES, isParameterType } from './parameter-types';

/** One row of the trigger's "Parameters" collection, as n8n hands it over. */
export interface ParameterRow {
	name?: string;
	type?: string;
	required?: boolean;
	defaultValue?: string;
	description?: string;
}

export type FunctionScopeSetting = 'local' | 'global';

export interface FunctionTriggerSettings {
	functionName: string;
	functionDescription: string;
	scope: FunctionScopeSetting;
	parameters: ParameterRow[];
	nodeName: string;
	workflowId: string | undefined;
	workflowName: string | undefined;
	/** Undefined: the addon's default. */
	maxAttempts?: number;
}

function toParameterSpec(row: ParameterRow, position: number): ParameterSpec {
	const name = (row.name ?? '').trim();
	if (name === '') {
		throw new GuidedError(
			`Parameter ${position} has no name`,
			'Give every parameter in "Parameters" a name, or remove the empty one.',
		);
	}
	if (name === FUNCTION_CALL_FIELD) {
		throw new GuidedError(
			`"${FUNCTION_CALL_FIELD}" cannot be a parameter name`,
			`${FUNCTION_CALL_FIELD} carries the call itself through the function's items; choose another name.`,
		);
	}
	const type = row.type ?? 'any';
	if (!isParameterType(type)) {
		throw new GuidedError(
			`Parameter "${name}" has the unknown type "${type}"`,
			`Choose one of: ${PARAMETER_TYPES.join(', ')}.`,
		);
	}
	const required = row.required === true;
	const spec: ParameterSpec = { name, type, required };
	// The editor hides "Default" for required parameters; a value left there must not apply.
	const defaultValue = required ? undefined : parseParameterDefault(name, type, row.defaultValue);
	if (defaultValue !== undefined) spec.default = defaultValue;
	const description = row.description?.trim();
	if (description) spec.description = description;
	return spec;
}

export function buildFunctionDefinition(settings: FunctionTriggerSettings): FunctionDefinition {
	const name = settings.functionName.trim() || settings.nodeName;
	const workflowId = settings.workflowId ?? '';
	if (workflowId === '') {
		throw new GuidedError(
			`The function "${name}" has no workflow id`,
			'Save the workflow first: a function is registered under the id of the workflow that defines it.',
		);
	}

	const parameters = settings.parameters.map((row, index) => toParameterSpec(row, index + 1));
	const seen = new Set<string>();
	for (const parameter of parameters) {
		if (seen.has(parameter.name)) {
			throw new GuidedError(
				`The function "${name}" declares the parameter "${parameter.name}" twice`,
				'Rename or remove one of them: parameter names must be unique.',
			);
		}
		seen.add(parameter.name);
	}

	const definition: FunctionDefinition = {
		name,
		scope: settings.scope === 'global' ? GLOBAL_SCOPE : workflowId,
		parameters,
		workflowId,
		nodeName: settings.nodeName,
	};
	const description = settings.functionDescription.trim();
	if (description) definition.description = description;
	if (settings.workflowName) definition.workflowName = settings.workflowName;
	if (settings.maxAttempts !== undefined) {
		if (!Number.isInteger(settings.maxAttempts) || settings.maxAttempts < 1) {
			throw new GuidedError(
				`Max Attempts of the function "${name}" is ${settings.maxAttempts}`,
				'Set Max Attempts to a whole number of at least 1 (1: a failed execution is not run again).',
			);
		}
		definition.maxAttempts = settings.maxAttempts;
	}
	return definition;
}
