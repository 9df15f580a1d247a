// Call Function's parameters, as n8n's editor shows them.
import type { INodeProperties } from 'n8n-workflow';

import { redisProperty } from '../shared/credential';
import { CURRENT_WORKFLOW_ID, CURRENT_WORKFLOW_NAME, SEARCH_WORKFLOWS } from '../caller/editor-lists';
import { GLOBAL_SCOPE } from '../shared/scope';

export const SEARCH_FUNCTIONS = 'searchFunctions';
export const GET_PARAMETER_FIELDS = 'getParameterFields';

export const callFunctionProperties: INodeProperties[] = [
	{
		displayName: 'Current Workflow ID',
		name: CURRENT_WORKFLOW_ID,
		type: 'hidden',
		default: '={{ $workflow.id }}',
	},
	{
		displayName: 'Current Workflow Name',
		name: CURRENT_WORKFLOW_NAME,
		type: 'hidden',
		default: '={{ $workflow.name }}',
	},
	{
		displayName: 'Workflow',
		name: 'workflow',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'Where the function is defined: its workflow (for functions of scope "This Workflow") or the global functions',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				// The lists come from this package's own Redis setting, not from a credential the
				// node may leave unset: without this, n8n's editor refuses to load them.
				typeOptions: { searchListMethod: SEARCH_WORKFLOWS, searchable: true, skipCredentialsCheckInRLC: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: `${GLOBAL_SCOPE} for global functions, or this workflow's ID`,
			},
		],
	},
	{
		displayName: 'Function',
		name: 'function',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		typeOptions: { loadOptionsDependsOn: ['workflow.value'] },
		description: 'The function to call. Functions whose workflow is not active are marked "(inactive)".',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: SEARCH_FUNCTIONS, searchable: true, skipCredentialsCheckInRLC: true },
			},
			{
				displayName: 'By Name',
				name: 'name',
				type: 'string',
				placeholder: 'e.g. add',
			},
		],
	},
	{
		displayName: 'Parameters Mode',
		name: 'parametersMode',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Fields', value: 'fields', description: "One field per parameter the function declares" },
			{ name: 'JSON', value: 'json', description: 'An object with one key per parameter, e.g. from an expression' },
		],
		default: 'fields',
	},
	{
		displayName: 'Parameters',
		name: 'arguments',
		type: 'resourceMapper',
		noDataExpression: true,
		default: { mappingMode: 'defineBelow', value: null },
		typeOptions: {
			loadOptionsDependsOn: ['workflow.value', 'function.value'],
			resourceMapper: {
				resourceMapperMethod: GET_PARAMETER_FIELDS,
				mode: 'add',
				fieldWords: { singular: 'parameter', plural: 'parameters' },
				valuesLabel: 'Parameters',
				addAllFields: true,
				supportAutoMap: false,
			},
		},
		displayOptions: { show: { parametersMode: ['fields'] } },
	},
	{
		displayName: 'Parameters (JSON)',
		name: 'parametersJson',
		type: 'json',
		default: '{}',
		description: 'An object with one key per parameter, e.g. {{ { a: $json.a, b: $json.b } }}',
		displayOptions: { show: { parametersMode: ['json'] } },
	},
	{
		displayName: 'Mode',
		name: 'mode',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Call Once for Each Item',
				value: 'each',
				description: 'One call per input item, sent at the same time; results keep the input order',
			},
			{
				name: 'Call Once with All Items',
				value: 'once',
				description: "One call whose execution starts with one item per input item",
			},
		],
		default: 'each',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Put Result In',
				name: 'putResultIn',
				type: 'options',
				options: [
					{
						name: 'Output Items',
						value: 'outputItems',
						description: 'The returned value becomes the output: an array gives one item per element, an object one item, anything else {value}',
					},
					{
						name: 'Field of Input Item',
						value: 'field',
						description: 'The input item, with the returned value in one of its fields',
					},
					{
						name: 'Nowhere (Pass Input Item Through)',
						value: 'nowhere',
						description: 'The input item unchanged: the call runs for what the function does, and its value is not kept (an error still fails the node)',
					},
				],
				default: 'outputItems',
			},
			{
				displayName: 'Result Field',
				name: 'resultField',
				type: 'string',
				default: 'result',
				description: 'The field of the input item that receives the returned value',
				displayOptions: { show: { putResultIn: ['field'] } },
			},
			{
				displayName: 'Idempotency Key',
				name: 'idempotencyKey',
				type: 'string',
				default: '',
				placeholder: 'e.g. {{ $json.orderId }}',
				description:
					'Calls of this function with the same key run it once: a call made while it runs waits for its answer, and one made later gets the stored answer (kept N8N_FUNCTIONS_REPLY_TTL_SECONDS, default 10 minutes). Empty: every call runs.',
			},
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: 0.001 },
				default: 30,
				description:
					'How long to wait for the function to return before failing (at most 31 days = 2678400 s). While the function waits for a person (a Wait, an approval, a form), this execution waits parked, holding no worker slot.',
			},
		],
	},
	redisProperty,
];
