// Shared test data: a call context as the addon hands it out, and as items carry it.
import type { CallContext } from '../../nodes/shared/addon-types';
import { type ItemCallContext, toItemContext } from '../../nodes/shared/call-context';

export function callContext(callId = 'call-1', fn = '__global__/add'): CallContext {
	return { v: 1, callId, function: fn, entryId: '1-0', replyTo: `reply:${callId}`, deadline: 1_700_000_000_000 };
}

/** The same context as `_functionCall` of an item. */
export function itemContext(callId = 'call-1', fn = '__global__/add'): ItemCallContext {
	return toItemContext(callContext(callId, fn));
}
