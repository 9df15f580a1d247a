// The Function trigger: registers a named function and starts one execution per call.
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type {
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IRun,
	ITriggerFunctions,
	ITriggerResponse,
} from 'n8n-workflow';

import type { IncomingCall } from '../shared/addon-types';
import { FUNCTION_CALL_FIELD } from '../shared/call-context';
import { getFunctions } from '../shared/client';
import { functionsRedisConnectionTest } from '../shared/credential-test';
import { toNodeError } from '../shared/node-error';
import { CallServer } from './call-server';
import { type FunctionScopeSetting, type ParameterRow, buildFunctionDefinition } from './definition';
import { functionTriggerProperties } from './properties';

/** The items of the execution a call starts: one per argument set, each carrying the call. */
function itemsOfCall(call: IncomingCall): INodeExecutionData[] {
	const argumentSets = call.items.length > 0 ? call.items : [{}];
	return argumentSets.map((args) => ({ json: { ...args, [FUNCTION_CALL_FIELD]: { ...call.context } } }));
}

export class FunctionTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Function Trigger',
		name: 'functionTrigger',
		icon: { light: 'file:function.svg', dark: 'file:function.dark.svg' },
		group: ['trigger'],
		version: [1],
		subtitle: '={{ $parameter["functionName"] || "" }}',
		description: 'Defines a function that Call Function nodes in any workflow can call',
		eventTriggerDescription: 'Waiting for a Call Function node to call this function',
		activationMessage: 'Call Function nodes can now call this function.',
		defaults: { name: 'Function' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		// Written out, not shared: n8n's lint reads credential entries from each node's own description.
		credentials: [{ name: 'functionsRedisApi', required: false, testedBy: 'functionsRedisConnectionTest' }],
		properties: functionTriggerProperties,
	};

	methods = {
		credentialTest: { functionsRedisConnectionTest },
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const node = this.getNode();
		const workflow = this.getWorkflow();

		if (this.getWorkflowSettings().engineType === 'v2') {
			throw new NodeOperationError(node, 'The Function trigger cannot run on the experimental execution engine (v2)', {
				description:
					"A function must know when its execution ends, which n8n's v2 engine does not report to triggers yet. Switch this workflow's settings back to the default execution engine.",
			});
		}

		let server: CallServer;
		try {
			const definition = buildFunctionDefinition({
				functionName: this.getNodeParameter('functionName', '') as string,
				functionDescription: this.getNodeParameter('functionDescription', '') as string,
				scope: this.getNodeParameter('scope', 'local') as FunctionScopeSetting,
				parameters: (this.getNodeParameter('parameters.parameter', []) as ParameterRow[]) ?? [],
				nodeName: node.name,
				workflowId: workflow.id,
				workflowName: workflow.name,
				maxAttempts: (this.getNodeParameter('options', {}) as { maxAttempts?: number }).maxAttempts,
			});
			const functions = await getFunctions(this);
			const served = await functions.serve(definition);
			this.logger.debug(`Function "${served.key}" is served (${functions.backend}: ${functions.address})`, {
				workflowId: workflow.id,
				nodeName: node.name,
			});

			// `this.emit` is looked up at each call: in manual mode n8n replaces it after trigger() returns.
			server = new CallServer({
				source: served,
				runCall: async (call) => {
					const done = this.helpers.createDeferredPromise<IRun>();
					this.emit([itemsOfCall(call)], undefined, done);
					return await done.promise;
				},
				failUnanswered: async (callContext, message) => await functions.fail(callContext, message),
				oneCallOnly: this.getMode() === 'manual',
				onFatal: (error) => this.emitError(toNodeError(node, error)),
				log: this.logger,
			});
		} catch (error) {
			throw toNodeError(node, error);
		}

		const closeFunction = async () => {
			await server.close();
			this.logger.debug(`Function of node "${node.name}" stopped`, { workflowId: workflow.id });
		};

		if (this.getMode() === 'manual') {
			// Start taking calls only once n8n listens: it swaps in its manual emit after trigger() returns.
			return { closeFunction, manualTriggerFunction: async () => server.start() };
		}
		server.start();
		return { closeFunction };
	}
}
