// Call Function: calls a function defined by a Function trigger and outputs what it returned.
import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	NodeApiError,
	NodeOperationError,
} from 'n8n-workflow';

import type { CallRequest } from '../shared/addon-types';
import { type Functions, getFunctions } from '../shared/client';
import { functionsRedisConnectionTest } from '../shared/credential-test';
import { toNodeError } from '../shared/node-error';
import { type Arguments, type MappedParameter, argumentsFromFields, argumentsFromJson, assertSendable } from '../caller/arguments';
import { type CallOptions, placementOf, timeoutMsOf } from './call-options';
import { type CallOutcome, makeCall } from '../caller/make-call';
import { failedCall, linked, subExecutionOf, withSubExecution } from './sub-executions';
import { callFunctionProperties } from './properties';
import { type ResultPlacement, errorItem, outputForBatch, outputForItem } from './result-items';
import { searchWorkflows } from '../caller/editor-lists';
import { getParameterFields, searchFunctions } from './search-methods';
import { resolveTarget } from './target';

type NodeError = NodeOperationError | NodeApiError;

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

async function callForEachItem(
	context: IExecuteFunctions,
	functions: Functions,
	items: INodeExecutionData[],
	placement: ResultPlacement,
	timeoutMs: number,
): Promise<INodeExecutionData[]> {
	const node = context.getNode();
	const continueOnFail = context.continueOnFail();

	// Read every item's request before sending any: a wrong parameter fails before a call goes out.
	const requests = items.map((_, index): CallRequest | NodeError => {
		try {
			return readRequest(context, index, timeoutMs);
		} catch (error) {
			return toNodeError(node, error, index);
		}
	});
	const invalid = requests.find((request): request is NodeError => request instanceof Error);
	if (invalid && !continueOnFail) throw invalid;

	const outputs = await Promise.all(
		requests.map(async (request, index): Promise<INodeExecutionData[] | NodeError> => {
			if (request instanceof Error) return request;
			context.logger.debug(`Calling function "${request.scope}/${request.name}" for item ${index}`);
			const outcome = await makeCall(context, functions, request);
			if ('error' in outcome) return linked(toNodeError(node, outcome.error, index), outcome.execution);
			return withSubExecution(outputForItem(items[index], index, outcome.value, placement), outcome.execution);
		}),
	);
	context.setMetadata({ subExecutionsCount: requests.length });

	const failed = outputs.find((output): output is NodeError => output instanceof Error);
	if (failed && !continueOnFail) throw failedCall(context, failed);
	return outputs.flatMap((output, index) =>
		output instanceof Error ? withSubExecution([errorItem(items[index], index, output)], subExecutionOf(output)) : output,
	);
}

async function callOnceWithAllItems(
	context: IExecuteFunctions,
	functions: Functions,
	items: INodeExecutionData[],
	placement: ResultPlacement,
	timeoutMs: number,
): Promise<INodeExecutionData[]> {
	let outcome: CallOutcome;
	try {
		const request = readRequest(context, 0, timeoutMs);
		request.items = items.map((_, index) => (index === 0 ? request.items[0] : readArguments(context, index)));
		context.logger.debug(`Calling function "${request.scope}/${request.name}" once with ${items.length} items`);
		outcome = await makeCall(context, functions, request);
	} catch (error) {
		outcome = { error };
	}
	// The execution that answered, linked as n8n links Execute Workflow's sub-execution.
	if (outcome.execution) context.setMetadata({ subExecution: outcome.execution, subExecutionsCount: 1 });
	if (!('error' in outcome)) return outputForBatch(items, outcome.value, placement);
	const nodeError = toNodeError(context.getNode(), outcome.error);
	if (!context.continueOnFail()) throw nodeError;
	return items.map((item, index) => errorItem(item, index, nodeError));
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

		const output =
			this.getNodeParameter('mode', 0, 'each') === 'once'
				? await callOnceWithAllItems(this, functions, items, placement, timeoutMs)
				: await callForEachItem(this, functions, items, placement, timeoutMs);
		return [output];
	}
}
