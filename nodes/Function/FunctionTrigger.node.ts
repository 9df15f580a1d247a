// The Function trigger: registers a named function and starts one execution per call.
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IRun,
	ITriggerFunctions,
	ITriggerResponse,
} from 'n8n-workflow';

import { getFunctions } from '../shared/client';
import { functionsRedisConnectionTest } from '../shared/credential-test';
import { toNodeError } from '../shared/node-error';
import { accessOfWorkflow } from './caller-access';
import { CallServer } from './call-server';
import { ParkedWorkLoop } from './parked-work';
import { reportResumedEnds } from './resumed-ends';
import { listenForOneCall } from './editor-test';
import { isProcessStopping, watchForShutdown } from './process-stopping';
import { itemsOfCall } from '../shared/items-of-call';
import { functionTriggerProperties } from './properties';
import { readFunctionDefinition } from './read-definition';
import { startOfCall } from './start-of-call';
import { functionTriggerPanel } from './trigger-panel';

export class FunctionTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Function Trigger',
		name: 'functionTrigger',
		icon: { light: 'file:function.svg', dark: 'file:function.dark.svg' },
		group: ['trigger'],
		version: [1],
		subtitle: '={{ $parameter["functionName"] || "" }}',
		description: 'Defines a function that Call Function nodes in any workflow can call',
		documentationUrl: 'https://www.npmjs.com/package/n8n-nodes-functions#function-trigger',
		eventTriggerDescription: 'Waiting for a Call Function node to call this function',
		activationMessage: 'Call Function nodes can now call this function.',
		triggerPanel: functionTriggerPanel,
		defaults: { name: 'Function' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
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
		properties: functionTriggerProperties,
	};

	methods = {
		credentialTest: { functionsRedisConnectionTest },
	};

	/** Serves the function while its workflow is active: one execution per call. */
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
		let parkedWork: ParkedWorkLoop;
		let stopReporting: () => void;
		try {
			const definition = readFunctionDefinition((name, fallback) => this.getNodeParameter(name, fallback), {
				node,
				workflowId: workflow.id,
				workflowName: workflow.name,
			});
			definition.access = await accessOfWorkflow(this);
			const functions = await getFunctions(this);
			const served = await functions.serve(definition);
			this.logger.info(`Function "${served.key}" is served (${functions.backend}: ${functions.address})`, {
				workflowId: workflow.id,
				nodeName: node.name,
			});

			server = new CallServer({
				source: served,
				runCall: async (call) => {
					const done = this.helpers.createDeferredPromise<IRun>();
					this.emit([itemsOfCall(call)], undefined, done);
					return await done.promise;
				},
				onFatal: (error) => this.emitError(toNodeError(node, error)),
				log: this.logger,
			});
			parkedWork = new ParkedWorkLoop(served, this.logger);
			stopReporting = reportResumedEnds(served.key, served);
		} catch (error) {
			throw toNodeError(node, error);
		}

		watchForShutdown();
		server.start();
		parkedWork.start();
		return {
			closeFunction: async () => {
				// n8n closes triggers when it shuts down and when the workflow is deactivated.
				const deactivated = !isProcessStopping();
				stopReporting();
				await server.close(deactivated);
				await parkedWork.stopped();
				this.logger.info(`Function of node "${node.name}" stopped (${deactivated ? 'deactivated' : 'n8n is stopping'})`, {
					workflowId: workflow.id,
				});
			},
		};
	}

	/**
	 * The first step of an execution: claims the call it runs. In the editor's test run
	 * (no call yet), serves the function for one call.
	 */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		try {
			const functions = await getFunctions(this);
			if (this.getMode() === 'manual' && !this.getInputData().some((item) => item.json._functionCall)) {
				return await listenForOneCall(this, functions);
			}
			return await startOfCall(this, functions);
		} catch (error) {
			throw toNodeError(this.getNode(), error);
		}
	}
}
