// Function Tools' parameters, as n8n's editor shows them: where the functions are defined,
// which of them the agent gets, and how long a call may take.
import type { INodeProperties } from 'n8n-workflow';

import { CURRENT_WORKFLOW_ID, CURRENT_WORKFLOW_NAME, SEARCH_WORKFLOWS } from '../caller/editor-lists';
import { DEFAULT_TIMEOUT_SECONDS } from '../caller/timeout';
import { redisProperty } from '../shared/credential';
import { GLOBAL_SCOPE } from '../shared/scope';

/** The load-options method listing the functions to pick from (see load-options.ts). */
export const GET_FUNCTION_OPTIONS = 'getFunctionOptions';

export type FunctionSelectionMode = 'all' | 'selected' | 'except';

export const functionToolsProperties: INodeProperties[] = [
	// The same hidden parameters as Call Function: its "Workflow" list is reused as it is.
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
		displayName: 'Functions Of',
		name: 'workflow',
		type: 'resourceLocator',
		default: { mode: 'list', value: GLOBAL_SCOPE, cachedResultName: 'Global Functions' },
		required: true,
		description: 'Where the functions are defined: the global functions, or those local to this workflow',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
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
		displayName: 'Functions to Offer',
		name: 'include',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'All', value: 'all', description: 'Every active function there, including ones added later' },
			{ name: 'Selected', value: 'selected', description: 'Only the functions chosen below' },
			{ name: 'All Except', value: 'except', description: 'Every active function there but the ones chosen below' },
		],
		default: 'all',
		description: 'Which functions the agent gets, one tool each',
	},
	{
		displayName: 'Functions',
		name: 'includeFunctions',
		type: 'multiOptions',
		default: [],
		description:
			'The functions the agent gets. Choose from the list, or specify names using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		typeOptions: { loadOptionsMethod: GET_FUNCTION_OPTIONS, loadOptionsDependsOn: ['workflow.value'] },
		displayOptions: { show: { include: ['selected'] } },
	},
	{
		displayName: 'Functions to Leave Out',
		name: 'excludeFunctions',
		type: 'multiOptions',
		default: [],
		description:
			'The functions the agent does not get. Choose from the list, or specify names using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		typeOptions: { loadOptionsMethod: GET_FUNCTION_OPTIONS, loadOptionsDependsOn: ['workflow.value'] },
		displayOptions: { show: { include: ['except'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeout',
				type: 'number',
				typeOptions: { minValue: 0.001 },
				default: DEFAULT_TIMEOUT_SECONDS,
				description: 'How long a tool call waits for its function to return before the agent is told it timed out',
			},
		],
	},
	redisProperty,
];
