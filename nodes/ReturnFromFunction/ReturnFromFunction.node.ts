// Return from Function: answers the call that started this execution, then outputs what it
// sent back and to which call, so the workflow can continue from there.
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INode, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import type { AnswerKind, ExecutionRef } from '../shared/addon-types';
import { getFunctions } from '../shared/client';
import { functionsRedisConnectionTest } from '../shared/credential-test';
import { ALREADY_ANSWERED_HELP, helpFor } from '../shared/error-help';
import { toNodeError } from '../shared/node-error';
import { lookUpCallContext } from './call-context-lookup';
import { returnFromFunctionProperties } from './properties';
import { type Answer, answerOutput } from './answer-output';
import { assertReturnable, valueFromIncomingItems, valueFromJsonParameter } from './return-value';

type RespondWith = 'incomingItems' | 'jsonValue' | 'error';

export class ReturnFromFunction implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Return from Function',
		name: 'returnFromFunction',
		icon: { light: 'file:returnFromFunction.svg', dark: 'file:returnFromFunction.dark.svg' },
		group: ['transform'],
		version: [1],
		subtitle: '={{ { jsonValue: "JSON Value", error: "Error" }[$parameter["respondWith"]] || "Incoming Items" }}',
		description: "Hands a value (or an error) back to the Call Function node that called this workflow's function",
		documentationUrl: 'https://www.npmjs.com/package/n8n-nodes-functions#return-from-function',
		defaults: { name: 'Return from Function' },
		inputs: [NodeConnectionTypes.Main],
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
		properties: returnFromFunctionProperties,
	};

	methods = {
		credentialTest: { functionsRedisConnectionTest },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const node = this.getNode();
		const items = this.getInputData();

		const callContext = lookUpCallContext(this, items);
		if (!callContext) {
			throw new NodeOperationError(node, 'Return from Function must come after a Function trigger: there is no call to return from', {
				description:
					'Put this node in a workflow that starts with a Function trigger, downstream of it. If a node in between drops fields (e.g. Edit Fields with "Keep Only Set Fields"), keep the field _functionCall. To test, call the function from a Call Function node instead of running this workflow by itself.',
			});
		}

		let answer: Answer;
		try {
			const functions = await getFunctions(this);
			const respondWith = this.getNodeParameter('respondWith', 0, 'incomingItems') as RespondWith;
			// The caller's node links to this execution.
			const execution = thisExecution(this);
			let answered: boolean;
			if (respondWith === 'error') {
				const message = String(this.getNodeParameter('errorMessage', 0, '')).trim() || 'The function returned an error';
				answered = await functions.fail(callContext, message, execution);
				answer = { error: message };
			} else {
				const value = assertReturnable(
					respondWith === 'jsonValue'
						? valueFromJsonParameter(this.getNodeParameter('value', 0), isExpression(node.parameters.value))
						: valueFromIncomingItems(items),
				);
				answered = await functions.respond(callContext, value, execution);
				answer = { returned: value };
			}
			if (!answered) throw refused(node, await functions.answerOf(callContext));
			this.logger.debug(`Answered call ${callContext.callId} of function "${callContext.function}"`);
		} catch (error) {
			const nodeError = toNodeError(node, error);
			if (!this.continueOnFail()) throw nodeError;
			return [items.map((_, index) => ({ json: { error: nodeError.message }, error: nodeError, pairedItem: { item: index } }))];
		}

		return [answerOutput(items, callContext, answer)];
	}
}

/** Why an answer was refused: the caller stopped waiting, or another return came first. */
function refused(node: INode, earlier: AnswerKind | null): NodeOperationError {
	if (earlier === 'timeout') {
		return new NodeOperationError(node, "This call's caller stopped waiting before this Return from Function: its timeout passed, so this answer was not delivered", {
			description: helpFor('CALL_TIMEOUT'),
		});
	}
	return new NodeOperationError(node, 'This call was already answered; only the first Return from Function counts', {
		description: ALREADY_ANSWERED_HELP,
	});
}

function thisExecution(context: IExecuteFunctions): ExecutionRef | undefined {
	const executionId = context.getExecutionId?.();
	const workflowId = context.getWorkflow().id;
	return executionId && workflowId ? { executionId, workflowId } : undefined;
}

function isExpression(parameter: unknown): boolean {
	return typeof parameter === 'string' && parameter.startsWith('=');
}
