// The editor's "test step" of a Function node: n8n runs the node's execute() with no call,
// so it serves the function for one call, and the rest of the test run executes it. Calls
// arriving at the same moment are refused with a message to call again.
import type { IExecuteFunctions, INodeExecutionData, IRun } from 'n8n-workflow';

import type { IncomingCall } from '../shared/addon-types';
import type { Functions, Served } from '../shared/client';
import { errorMessage } from '../shared/functions-error';
import { accessOfWorkflow } from './caller-access';
import { type ExecutionOutcome, outcomeOfRun } from '../shared/execution-outcome';
import { itemsOfCall } from '../shared/items-of-call';
import { readFunctionDefinition } from './read-definition';

export const BUSY_TESTING_MESSAGE =
	'The function was being tested in the editor, which runs one call only, and another call arrived at the same time. Call it again.';

type Hooks = { addHandler(name: 'workflowExecuteAfter', handler: (run: IRun) => Promise<void>): void };

/** n8n's lifecycle hooks of the running execution (internal: absent in other versions). */
function executionHooks(context: IExecuteFunctions): Hooks | undefined {
	const hooks = (context as unknown as { additionalData?: { hooks?: Partial<Hooks> } }).additionalData?.hooks;
	return typeof hooks?.addHandler === 'function' ? (hooks as Hooks) : undefined;
}

/** The first call; others that arrived with it are refused (answered, so they never run). */
async function firstCall(functions: Functions, served: Served): Promise<IncomingCall | undefined> {
	const [first, ...others] = await served.next();
	for (const other of others) {
		await functions.fail(other.context, BUSY_TESTING_MESSAGE).catch(() => undefined);
		await served.finished(other.context).catch(() => undefined);
	}
	return first;
}

export async function listenForOneCall(context: IExecuteFunctions, functions: Functions): Promise<INodeExecutionData[][]> {
	const workflow = context.getWorkflow();
	const definition = readFunctionDefinition((name, fallback) => context.getNodeParameter(name, 0, fallback), {
		node: context.getNode(),
		workflowId: workflow.id,
		workflowName: workflow.name,
	});
	definition.access = await accessOfWorkflow(context);
	const served = await functions.serve(definition);
	context.onExecutionCancellation(() => void served.close());
	let call: IncomingCall | undefined;
	try {
		call = await firstCall(functions, served);
	} finally {
		await served.close();
	}
	if (!call) return [[]];
	const answered = call;
	const report = async (outcome: ExecutionOutcome) => {
		if (!outcome.ended) return;
		await served.finished(answered.context, outcome.error).catch((error: unknown) => {
			context.logger.warn(`Call ${answered.context.callId} was not reported: ${errorMessage(error)}`);
		});
	};
	// When this test run ends without Return from Function, its caller hears so at once (and
	// why it failed, where n8n's lifecycle hooks say it).
	const hooks = executionHooks(context);
	if (hooks) hooks.addHandler('workflowExecuteAfter', async (run) => await report(outcomeOfRun(run)));
	else context.onExecutionFinish?.(async () => await report({ ended: true }));
	await functions.start(call.context);
	return [itemsOfCall(call)];
}
