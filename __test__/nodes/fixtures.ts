// Shared test data: a call context as the addon hands it out.
import type { CallContext } from '../../nodes/shared/addon-types';

export function callContext(callId = 'call-1', fn = '__global__/add'): CallContext {
	return { v: 1, callId, function: fn, entryId: '1-0', replyTo: `reply:${callId}`, deadline: 1_700_000_000_000 };
}
