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

export function toMapperField(parameter: ParameterSpec): ResourceMapperField {
	const field: ResourceMapperField = {
		id: parameter.name,
		displayName: parameter.name,
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
