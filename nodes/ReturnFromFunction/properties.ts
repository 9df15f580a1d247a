// Return from Function's parameters, as n8n's editor shows them.
import type { INodeProperties } from 'n8n-workflow';

import { redisProperty } from '../shared/credential';

export const returnFromFunctionProperties: INodeProperties[] = [
	{
		displayName: 'Return',
		name: 'respondWith',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Incoming Items',
				value: 'incomingItems',
				description: "One item: its fields; several items: a list of their fields (without _functionCall)",
			},
			{
				name: 'JSON Value',
				value: 'jsonValue',
				description: 'A value written as JSON or computed by an expression',
			},
			{
				name: 'Error',
				value: 'error',
				description: 'An error message the Call Function node raises',
			},
		],
		default: 'incomingItems',
	},
	{
		displayName: 'JSON Value',
		name: 'value',
		type: 'json',
		default: '{\n  "ok": true\n}',
		description: 'The value to return, e.g. {{ { sum: $json.a + $json.b } }}. Expressions see the first incoming item.',
		displayOptions: { show: { respondWith: ['jsonValue'] } },
	},
	{
		displayName: 'Error Message',
		name: 'errorMessage',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. Customer {{ $json.customerId }} not found',
		description: 'The message of the error the caller raises',
		displayOptions: { show: { respondWith: ['error'] } },
	},
	redisProperty,
];
