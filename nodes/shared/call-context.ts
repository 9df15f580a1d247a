// The call context travels inside items as json._functionCall, so any worker can return
// from any call; these helpers write, read, check and remove it. In the items it reads as
// a person would look for it: which function, which call, whose execution called, until
// when, which run; how the answer finds its caller is packed into `route`, for the nodes.
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { CallContext, ExecutionRef } from './addon-types';

export const FUNCTION_CALL_FIELD = '_functionCall';

/** `_functionCall` as the items carry it. */
export interface ItemCallContext {
	/** "<scope>/<name>": the workflow id (local) or "__global__", and the function's name. */
	function: string;
	callId: string;
	/** The execution of the Call Function that made the call, when n8n ran one. */
	caller?: ExecutionRef;
	/** When the caller stops waiting (ISO time). */
	deadline: string;
	/** Which run of the call this is (1 for the first). */
	attempt?: number;
	/** How the answer reaches the caller; only the nodes of this package read it. */
	route: string;
}

/** What `route` packs: the parts of the context no person needs. */
interface Route {
	v: number;
	entryId: string;
	replyTo: string;
	runner?: string;
}

function isPlainObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The context as items carry it. */
export function toItemContext(context: CallContext): ItemCallContext {
	const route: Route = { v: context.v, entryId: context.entryId, replyTo: context.replyTo };
	if (context.runner) route.runner = context.runner;
	const item: ItemCallContext = {
		function: context.function,
		callId: context.callId,
		deadline: new Date(context.deadline).toISOString(),
		route: Buffer.from(JSON.stringify(route)).toString('base64url'),
	};
	if (context.parent) item.caller = { executionId: context.parent.executionId, workflowId: context.parent.workflowId };
	if (context.attempt !== undefined && context.attempt !== null) item.attempt = context.attempt;
	return item;
}

function readRoute(route: unknown): Route | undefined {
	if (typeof route !== 'string') return undefined;
	try {
		const parsed = JSON.parse(Buffer.from(route, 'base64url').toString('utf8')) as Partial<Route>;
		if (typeof parsed.v !== 'number' || typeof parsed.entryId !== 'string' || typeof parsed.replyTo !== 'string') return undefined;
		return { v: parsed.v, entryId: parsed.entryId, replyTo: parsed.replyTo, runner: typeof parsed.runner === 'string' ? parsed.runner : undefined };
	} catch {
		return undefined;
	}
}

/** The addon's context from what an item carries, or undefined when it carries none (or a damaged one). */
export function fromItemContext(value: unknown): CallContext | undefined {
	if (!isPlainObject(value) || typeof value.function !== 'string' || typeof value.callId !== 'string') return undefined;
	const route = readRoute(value.route);
	const deadline = typeof value.deadline === 'string' ? Date.parse(value.deadline) : Number.NaN;
	if (!route || Number.isNaN(deadline)) return undefined;
	const context: CallContext = { v: route.v, callId: value.callId, function: value.function, entryId: route.entryId, replyTo: route.replyTo, deadline };
	if (route.runner) context.runner = route.runner;
	const caller = value.caller;
	if (isPlainObject(caller) && typeof caller.executionId === 'string' && typeof caller.workflowId === 'string') {
		context.parent = { executionId: caller.executionId, workflowId: caller.workflowId };
	}
	if (typeof value.attempt === 'number') context.attempt = value.attempt;
	return context;
}

/** Whether `value` is a call context as items carry it. */
export function isCallContext(value: unknown): value is ItemCallContext {
	return fromItemContext(value) !== undefined;
}

/** The call context an item's json carries, if any. */
export function readCallContext(json: IDataObject | undefined): CallContext | undefined {
	return fromItemContext(json?.[FUNCTION_CALL_FIELD]);
}

/** The first call context found in the items. */
export function findCallContext(items: INodeExecutionData[]): CallContext | undefined {
	for (const item of items) {
		const context = readCallContext(item.json);
		if (context) return context;
	}
	return undefined;
}

/** A copy of `json` without the call context field (the same object when there is none). */
export function withoutCallContext<T extends IDataObject>(json: T): T {
	if (!(FUNCTION_CALL_FIELD in json)) return json;
	const { [FUNCTION_CALL_FIELD]: _dropped, ...rest } = json;
	return rest as T;
}

/** `json` carrying `context` (unchanged when there is no context to carry). */
export function withCallContext(json: IDataObject, context: CallContext | undefined): IDataObject {
	return context ? { ...json, [FUNCTION_CALL_FIELD]: toItemContext(context) as unknown as IDataObject } : json;
}

/**
 * A value handed between workflows without any call context at its top level (an object,
 * or the objects of an array): a returned `$json` must not leak the callee's context.
 */
export function valueWithoutCallContext(value: unknown): unknown {
	if (Array.isArray(value)) return value.map((element) => (isPlainObject(element) ? withoutCallContext(element) : element));
	return isPlainObject(value) ? withoutCallContext(value) : value;
}
