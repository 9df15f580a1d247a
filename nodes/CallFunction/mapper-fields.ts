// Call Function's "Parameters" fields (a resource mapper) from the function's declared parameters.
import type { FieldType, ResourceMapperField } from 'n8n-workflow';

import type { ParameterSpec } from '../shared/addon-types';

/** The editor widget per declared type; "any" gets none, so any value is accepted as typed. */
const FIELD_TYPES: Record<string, FieldType | undefined> = {
	string: 'string',
	number: 'number',
	boolean: 'boolean',
	object: 'object',
	array: 'array',
	any: undefined,
};

/** A default as the caller would write it: text in quotes, everything else as JSON. */
function shownDefault(value: unknown): string {
	const json = JSON.stringify(value);
	return json === undefined ? String(value) : json;
}

/**
 * The field's label: n8n shows a resource-mapper field by its label alone (no tooltip of
 * our own, no type), so the label says it all: "amount (number, required): The amount" or
 * "currency (string, default "EUR")".
 */
export function fieldLabel(parameter: ParameterSpec): string {
	const facts = [parameter.type];
	if (parameter.required) facts.push('required');
	else if (parameter.default !== undefined && parameter.default !== null) facts.push(`default ${shownDefault(parameter.default)}`);
	else facts.push('optional');
	const description = parameter.description?.trim();
	return `${parameter.name} (${facts.join(', ')})${description ? `: ${description}` : ''}`;
}

export function toMapperField(parameter: ParameterSpec): ResourceMapperField {
	const field: ResourceMapperField = {
		id: parameter.name,
		displayName: fieldLabel(parameter),
		required: parameter.required === true,
		defaultMatch: false,
		canBeUsedToMatch: false,
		display: true,
	};
	const type = FIELD_TYPES[parameter.type];
	if (type) field.type = type;
	return field;
}

export function toMapperFields(parameters: ParameterSpec[]): ResourceMapperField[] {
	return parameters.map(toMapperField);
}
