// The Function trigger's parameters, as n8n's editor shows them.
import type { INodeProperties } from 'n8n-workflow';

import { redisProperty } from '../shared/credential';
import { PARAMETER_TYPES } from './parameter-types';

const TYPE_LABELS: Record<(typeof PARAMETER_TYPES)[number], string> = {
	string: 'String',
	number: 'Number',
	boolean: 'Boolean',
	object: 'Object',
	array: 'Array',
	any: 'Any',
};

export const functionTriggerProperties: INodeProperties[] = [
	{
		displayName:
			'Call this function with a <b>Call Function</b> node from any workflow, and hand the value back with <b>Return from Function</b>. Activate this workflow so calls are served.',
		name: 'notice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Function Name',
		name: 'functionName',
		type: 'string',
		default: '',
		placeholder: "e.g. add (empty: this node's name)",
		description: "The name callers use. Leave empty to use this node's name.",
	},
	{
		displayName: 'Description',
		name: 'functionDescription',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		description: 'What the function does; shown to callers in Call Function and to AI agents using it as a tool',
	},
	{
		displayName: 'Scope',
		name: 'scope',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'This Workflow',
				value: 'local',
				description: 'Callable by Call Function nodes that choose this workflow',
			},
			{
				name: 'Global',
				value: 'global',
				description: 'Callable from every workflow under "Global Functions"; the name must be unique among global functions',
			},
		],
		default: 'local',
	},
	{
		displayName: 'Parameters',
		name: 'parameters',
		type: 'fixedCollection',
		placeholder: 'Add Parameter',
		typeOptions: { multipleValues: true, sortable: true },
		default: {},
		description: 'What callers pass. Each call starts one execution whose items hold these fields.',
		options: [
			{
				displayName: 'Parameter',
				name: 'parameter',
				values: [
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						placeholder: 'e.g. customerId',
						required: true,
					},
					{
						displayName: 'Type',
						name: 'type',
						type: 'options',
						options: PARAMETER_TYPES.map((type) => ({ name: TYPE_LABELS[type], value: type })),
						default: 'string',
					},
					{
						displayName: 'Required',
						name: 'required',
						type: 'boolean',
						default: false,
						description: 'Whether a call without this parameter is refused',
					},
					{
						displayName: 'Default',
						name: 'defaultValue',
						type: 'string',
						default: '',
						placeholder: 'e.g. 10, true, "text" or {"key": 1}',
						description:
							'Used when a caller leaves the parameter out. Plain text for strings; JSON for numbers, booleans, objects and arrays. Empty: no default.',
						displayOptions: { show: { required: [false] } },
					},
					{
						displayName: 'Description',
						name: 'description',
						type: 'string',
						default: '',
					},
				],
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Max Attempts',
				name: 'maxAttempts',
				type: 'number',
				typeOptions: { minValue: 1, numberPrecision: 0 },
				default: 1,
				description:
					"How many times a call may run when its execution fails: 1 (the default) runs it once, as a sub-workflow; more runs it again until this many runs. Then its caller gets the error, and in queue mode the call goes to the function's dead letters. A call whose n8n process stopped while running it is always run again. An execution that ends without reaching Return from Function is never run again.",
			},
		],
	},
	redisProperty,
];
