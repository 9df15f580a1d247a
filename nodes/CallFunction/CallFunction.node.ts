// Call Function: calls a function defined by a Function trigger and outputs what it returned.
import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { type Arguments, type MappedParameter, argumentsFromFields, argumentsFromJson, assertSendable } from '../caller/arguments';
import { searchWorkflows } from '../caller/editor-lists';
import { type CallOutcome, type Parking, makeCall } from '../caller/make-call';
import type { CallRequest } from '../shared/addon-types';
import { type Functions, getFunctions } from '../shared/client';
import { functionsRedisConnectionTest } from '../shared/credential-test';
import { toNodeError } from '../shared/node-error';
import { type Answered, type CallMode, type NodeError, outputOf } from './call-outcomes';
import { type CallOptions, placementOf, timeoutMsOf } from './call-options';
import { parkNode, parkingOf, resumeParkedCalls } from './parked-calls';
import { callFunctionProperties } from './properties';
import { errorItem } from './result-items';
import { getParameterFields, searchFunctions } from './search-methods';
import { resolveTarget } from './target';

/** The arguments item `index` passes, read from the chosen parameters mode. */
function readArguments(context: IExecuteFunctions, index: number): Arguments {
	if (context.getNodeParameter('parametersMode', index, 'fields') === 'json') {
		return assertSendable(argumentsFromJson(context.getNodeParameter('parametersJson', index, '{}')));
	}
	const values = context.getNodeParameter('arguments.value', index, {}) as Record<string, unknown> | null;
	const schema = context.getNodeParameter('arguments.schema', index, []) as MappedParameter[] | null;
	return assertSendable(argumentsFromFields(values, schema));
}

/** The request item `index` makes ("each" mode) or the target read from it ("once" mode). */
function readRequest(context: IExecuteFunctions, index: number, timeoutMs: number): CallRequest {
	const target = resolveTarget(
		context.getNodeParameter('workflow', index, '', { extractValue: true }),
		context.getNodeParameter('function', index, '', { extractValue: true }),
		context.getWorkflow().id,
	);
	const request: CallRequest = { ...target, items: [readArguments(context, index)], timeoutMs };
	const workflow = context.getWorkflow();
	if (target.scope === workflow.id && workflow.name) request.scopeName = workflow.name;
	const idempotencyKey = String(context.getNodeParameter('options.idempotencyKey', index, '') ?? '');
	if (idempotencyKey !== '') request.idempotencyKey = idempotencyKey;
	return request;
}

/** One call per item, sent at the same time; an item whose parameters are wrong calls nothing. */
async function callForEachItem(
	context: IExecuteFunctions,
	functions: Functions,
	items: INodeExecutionData[],
	timeoutMs: number,
	parking: Parking,
): Promise<CallOutcome[]> {
	const node = context.getNode();
	// Read every item's request before sending any: a wrong parameter fails before a call goes out.
	const requests = items.map((_, index): CallRequest | NodeError => {
		try {
			return readRequest(context, index, timeoutMs);
		} catch (error) {
			return toNodeError(node, error, index);
		}
	});
	const invalid = requests.find((request): request is NodeError => request instanceof Error);
	if (invalid && !context.continueOnFail()) throw invalid;
	return await Promise.all(
		requests.map(async (request, index): Promise<CallOutcome> => {
			if (request instanceof Error) return { error: request };
			context.logger.debug(`Calling function "${request.scope}/${request.name}" for item ${index}`);
			return await makeCall(context, functions, request, parking);
		}),
	);
}

/** One call with every item's argument set. */
async function callOnceWithAllItems(
	context: IExecuteFunctions,
	functions: Functions,
	items: INodeExecutionData[],
	timeoutMs: number,
	parking: Parking,
): Promise<CallOutcome[]> {
	try {
		const request = readRequest(context, 0, timeoutMs);
		request.items = items.map((_, index) => (index === 0 ? request.items[0] : readArguments(context, index)));
		context.logger.debug(`Calling function "${request.scope}/${request.name}" once with ${items.length} items`);
		return [await makeCall(context, functions, request, parking)];
	} catch (error) {
		return [{ error }];
	}
}

export class CallFunction implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Call Function',
		name: 'callFunction',
		icon: { light: 'file:callFunction.svg', dark: 'file:callFunction.dark.svg' },
		group: ['transform'],
		version: [1],
		// In a subtitle n8n's $parameter holds a resource locator's value, not the locator.
		subtitle: '={{ $parameter["function"] ? "Call " + $parameter["function"] : "" }}',
		description: 'Calls a function defined by a Function trigger and returns its value',
		// n8n opens a node's documentationUrl as it is; to the codex URL it appends "?utm_…",
		// which after the "#" of a README section breaks the link.
		documentationUrl: 'https://www.npmjs.com/package/n8n-nodes-functions#call-function',
		defaults: { name: 'Call Function' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		// Written out, not shared: n8n's lint reads credential entries from each node's own description.
		// Optional, and offered only when the node's "Redis" setting asks for another Redis.
		credentials: [
			{
				name: 'functionsRedisApi',
				required: false,
				testedBy: 'functionsRedisConnectionTest',
				displayOptions: { show: { redis: ['credential'] } },
			},
		],
		// How a Call Function parked while its function waits is woken (parked-calls.ts): only
		// at its execution's resume URL, never as a workflow's own webhook.
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: '', restartWebhook: true }],
		properties: callFunctionProperties,
	};

	methods = {
		listSearch: { searchWorkflows, searchFunctions },
		resourceMapping: { getParameterFields },
		credentialTest: { functionsRedisConnectionTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const options = this.getNodeParameter('options', 0, {}) as CallOptions;
		const placement = placementOf(options);
		const mode: CallMode = this.getNodeParameter('mode', 0, 'each') === 'once' ? 'once' : 'each';

		let functions: Functions;
		let timeoutMs: number;
		try {
			timeoutMs = timeoutMsOf(options);
			functions = await getFunctions(this);
		} catch (error) {
			// A setting no call can be made with (a timeout that is not a number, a credential
			// that is not there) fails every item, or with Continue On Fail gives each its error.
			const nodeError = toNodeError(this.getNode(), error);
			if (!this.continueOnFail()) throw nodeError;
			return [items.map((item, index) => errorItem(item, index, nodeError))];
		}

		const parking = parkingOf(this);
		const call = mode === 'once' ? callOnceWithAllItems : callForEachItem;
		const outcomes = await call(this, functions, items, timeoutMs, parking);
		if (outcomes.some((outcome) => 'parked' in outcome)) return [await parkNode(this, mode, outcomes, timeoutMs)];
		return [outputOf(this, mode, items, outcomes as Answered[], placement)];
	}

	/** A call this node parked for was answered: see parked-calls.ts. */
	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeParkedCalls(this);
	}
}
