// When a function's execution parks (a Wait past 65 s, an approval, a form), Call Function
// parks its own execution too, freeing its worker slot, as n8n parks the parent of a
// waiting sub-workflow. What its calls came to so far is kept in its run's metadata; the
// answer of each parked call wakes it through n8n's resume URL (the function's trigger
// POSTs it), and its webhook() then builds the output as execute() would have.
//
// n8n resumes a parked node in two ways, both read in n8n 2.41's code: a POST to its resume
// URL runs the node's webhook(), whose items become the node's output; its waitTill passing
// (the deadline) resumes it without running any of its code, failing it with the stack
// entry's `resumeError` when there is one, which is the call's timeout here.
import { NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteData,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	ITaskMetadata,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import type { CallOutcome, Parking } from '../caller/make-call';
import type { CallContext } from '../shared/addon-types';
import { getFunctions } from '../shared/client';
import { GLOBAL_SCOPE } from '../shared/scope';
import { helpFor } from '../shared/error-help';
import { FunctionsError, errorMessage, toFunctionsError } from '../shared/functions-error';
import { type Answered, type CallMode, outputOf } from './call-outcomes';
import { type CallOptions, placementOf, timeoutMsOf } from './call-options';

/** Where the node's run keeps its parked calls (its stack entry's metadata). */
const PARKED_CALLS = 'parkedCalls';

/** The response modes in which n8n answers the HTTP request that started an execution only after it. */
const RESPONDS_WITH_RESULT = new Set(['lastNode', 'responseNode', 'responseNodes', 'streaming']);

/** An outcome as the run's metadata keeps it (JSON). */
type KeptOutcome =
	| { value: unknown; execution?: IDataObject }
	| { error: { message: string; code?: string; description?: string }; execution?: IDataObject }
	| { parked: CallContext; execution?: IDataObject };

interface ParkedCalls {
	v: 1;
	mode: CallMode;
	outcomes: KeptOutcome[];
}

/** The parts of n8n's execute context parking uses, beyond its public interface. */
type ParkingContext = IExecuteFunctions & { getExecuteData?: () => IExecuteData };

/**
 * How this execution waits for a function whose execution parked: it parks too, unless the
 * HTTP request that started it waits for its result (n8n would answer that request at once,
 * with stale data) or this n8n cannot park a node.
 */
export function parkingOf(context: ParkingContext): Parking {
	const responding = respondingTrigger(context);
	if (responding) {
		return {
			waitInPlace: `Its workflow answers the request to "${responding}" with its result, which n8n cannot do once an execution parks. Set that node to respond immediately (then this caller parks and frees its slot while the function waits), or raise the worker's concurrency.`,
		};
	}
	const resumeUrl = resumeUrlOf(context);
	const executionId = context.getExecutionId?.();
	const workflowId = context.getWorkflow().id;
	const canPark = typeof context.putExecutionToWait === 'function' && typeof context.getExecuteData === 'function';
	if (!resumeUrl || !executionId || !workflowId || !canPark) {
		return { waitInPlace: 'This n8n does not let a node park its execution and be resumed.' };
	}
	return { park: { resumeUrl, execution: { executionId, workflowId } } };
}

/** The trigger upstream that started this execution and answers its HTTP request with the result, if any. */
function respondingTrigger(context: IExecuteFunctions): string | undefined {
	const upstream = context.getParentNodes(context.getNode().name, { includeNodeParameters: true });
	for (const node of upstream) {
		const parameters = (node.parameters ?? {}) as { responseMode?: unknown; options?: { responseMode?: unknown } };
		const mode = parameters.responseMode ?? parameters.options?.responseMode;
		const respondsLater = RESPONDS_WITH_RESULT.has(String(mode)) || (mode === undefined && node.type.endsWith('.chatTrigger'));
		if (respondsLater && ran(context, node.name)) return node.name;
	}
	return undefined;
}

/** Whether `nodeName` ran in this execution. */
function ran(context: IExecuteFunctions, nodeName: string): boolean {
	try {
		return Boolean((context.getWorkflowDataProxy(0).$(nodeName) as { isExecuted?: boolean }).isExecuted);
	} catch {
		return true; // cannot tell: assume it ran, so the caller waits rather than answer wrongly
	}
}

/** n8n's signed URL that resumes this execution ($execution.resumeUrl). */
function resumeUrlOf(context: IExecuteFunctions): string | undefined {
	try {
		const url = context.evaluateExpression('{{ $execution.resumeUrl }}', 0);
		return typeof url === 'string' && /^https?:\/\//.test(url) ? url : undefined;
	} catch {
		return undefined;
	}
}

function kept(outcome: CallOutcome): KeptOutcome {
	const execution = outcome.execution as IDataObject | undefined;
	if ('parked' in outcome) return { parked: outcome.parked, execution };
	if ('value' in outcome) return { value: outcome.value, execution };
	const mapped = toFunctionsError(outcome.error);
	const description = (outcome.error as { description?: unknown }).description;
	return {
		error: {
			message: errorMessage(outcome.error),
			code: mapped instanceof FunctionsError ? mapped.code : undefined,
			description: typeof description === 'string' ? description : undefined,
		},
		execution,
	};
}

/** The kept outcome as the node's output builds on it. */
function restored(outcome: KeptOutcome): Answered {
	const execution = outcome.execution as Answered['execution'];
	if ('value' in outcome) return { value: outcome.value, execution };
	if ('error' in outcome) {
		const error = outcome.error.code ? new FunctionsError(outcome.error.code as FunctionsError['code'], outcome.error.message) : new Error(outcome.error.message);
		if (outcome.error.description) Object.assign(error, { description: outcome.error.description });
		return { error, execution };
	}
	throw new Error('A parked call has no answer yet');
}

/** What a parked call's caller fails with when the call's deadline passed. */
function timedOut(node: INode, call: CallContext, timeoutMs: number): NodeOperationError {
	const [scope, ...name] = call.function.split('/');
	const what = scope === GLOBAL_SCOPE ? `global function '${name.join('/')}'` : `function '${name.join('/')}'`;
	return new NodeOperationError(
		node,
		`The ${what} did not answer within ${Math.round(timeoutMs / 100) / 10} s: its execution was still waiting (parked at a Wait, an approval or a form) when the timeout passed.`,
		{ description: helpFor('CALL_TIMEOUT') },
	);
}

/** An error as a parked node's stack entry keeps it, for n8n to rethrow when resuming it. */
function asResumeError(error: NodeOperationError | Error): IDataObject {
	const description = (error as { description?: unknown }).description;
	const kept = { ...error, name: error.name, message: error.message, ...(typeof description === 'string' && { description }) };
	return JSON.parse(JSON.stringify(kept)) as IDataObject;
}

/**
 * Parks the node's execution until every parked call has its answer, or the latest
 * deadline passes (then n8n resumes it with the timeout). Returns what the node outputs
 * while parked: its input, as n8n's Wait node does.
 */
export async function parkNode(
	context: ParkingContext,
	mode: CallMode,
	outcomes: CallOutcome[],
	timeoutMs: number,
): Promise<INodeExecutionData[]> {
	const parked = outcomes.filter((outcome): outcome is Extract<CallOutcome, { parked: CallContext }> => 'parked' in outcome);
	const deadline = Math.max(...parked.map((outcome) => outcome.parked.deadline));
	const record: ParkedCalls = { v: 1, mode, outcomes: outcomes.map(kept) };
	const timeout = timedOut(context.getNode(), parked[0].parked, timeoutMs);
	context.setMetadata({ [PARKED_CALLS]: record, resumeError: asResumeError(timeout) } as unknown as ITaskMetadata);
	await context.putExecutionToWait(new Date(deadline));
	return context.getInputData();
}

/** The stack entry of the node being resumed (n8n's webhook context keeps it internally). */
function parkedEntry(context: IWebhookFunctions): IExecuteData | undefined {
	const entry = (context as unknown as { executeData?: IExecuteData }).executeData;
	return entry?.metadata && PARKED_CALLS in entry.metadata ? entry : undefined;
}

/**
 * Call Function's webhook(): a parked call was answered. Until every parked call has its
 * answer the execution stays parked; then its output is built and the execution goes on.
 */
export async function resumeParkedCalls(context: IWebhookFunctions): Promise<IWebhookResponseData> {
	const entry = parkedEntry(context);
	if (!entry) return { webhookResponse: { resumed: false, reason: 'This execution has no parked calls.' } };
	const metadata = entry.metadata as Record<string, unknown>;
	const record = metadata[PARKED_CALLS] as ParkedCalls;
	const functions = await getFunctions(context);
	const options = context.getNodeParameter('options', {}) as CallOptions;
	const outcomes: Answered[] = [];
	for (const outcome of record.outcomes) {
		if (!('parked' in outcome)) {
			outcomes.push(restored(outcome));
			continue;
		}
		const answer = await functions.storedAnswer(outcome.parked);
		if (!answer) return { webhookResponse: { resumed: false, waiting: outcome.parked.callId } };
		const execution = answer.execution ?? (outcome.execution as Answered['execution']);
		if (answer.kind === 'value') outcomes.push({ value: answer.value, execution });
		else if (answer.kind === 'timeout') outcomes.push({ error: timedOut(context.getNode(), outcome.parked, timeoutMsOf(options)), execution });
		else outcomes.push({ error: new FunctionsError(answer.code as FunctionsError['code'], answer.message ?? ''), execution });
	}
	const items = entry.data.main[0] ?? [];
	const outputContext = {
		getNode: () => context.getNode(),
		continueOnFail: () => continuesOnFail(context),
		setMetadata: (more: ITaskMetadata) => Object.assign(metadata, more),
	};
	delete metadata.resumeError;
	delete metadata[PARKED_CALLS];
	try {
		const output = outputOf(outputContext, record.mode, items, outcomes, placementOf(options));
		return { workflowData: [output], webhookResponse: { resumed: true } };
	} catch (error) {
		// The node fails as it would have without parking: n8n rethrows the stack entry's error.
		metadata.resumeError = asResumeError(error as NodeOperationError);
		return { workflowData: [items], webhookResponse: { resumed: true } };
	}
}

/** The node's "On Error" setting, as n8n reads it for a node that continues on fail. */
function continuesOnFail(context: IWebhookFunctions): boolean {
	const node = context.getNode() as { onError?: string; continueOnFail?: boolean };
	if (node.onError === undefined) return node.continueOnFail === true;
	return node.onError === 'continueRegularOutput' || node.onError === 'continueErrorOutput';
}
