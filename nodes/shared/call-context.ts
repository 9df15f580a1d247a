// The call context travels inside items as json._functionCall, so any worker can
// return from any call; these helpers read, check and remove it.
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { CallContext } from './addon-types';

export const FUNCTION_CALL_FIELD = '_functionCall';

export function isCallContext(value: unknown): value is CallContext {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
	const context = value as Record<string, unknown>;
	return (
		typeof context.v === 'number' &&
		typeof context.callId === 'string' &&
		typeof context.function === 'string' &&
		typeof context.entryId === 'string' &&
		typeof context.replyTo === 'string' &&
		typeof context.deadline === 'number'
	);
}

/** The call context an item's json carries, if any. */
export function readCallContext(json: IDataObject | undefined): CallContext | undefined {
	const value = json?.[FUNCTION_CALL_FIELD];
	return isCallContext(value) ? value : undefined;
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
	return context ? { ...json, [FUNCTION_CALL_FIELD]: context as unknown as IDataObject } : json;
}

function isPlainObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A value handed between workflows without any call context at its top level (an object,
 * or the objects of an array): a returned `$json` must not leak the callee's context.
 */
export function valueWithoutCallContext(value: unknown): unknown {
	if (Array.isArray(value)) return value.map((element) => (isPlainObject(element) ? withoutCallContext(element) : element));
	return isPlainObject(value) ? withoutCallContext(value) : value;
}
