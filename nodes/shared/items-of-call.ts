// The items an execution of a call starts with: one per argument set, each carrying the call.
import type { INodeExecutionData } from 'n8n-workflow';

import type { IncomingCall } from '../shared/addon-types';
import { FUNCTION_CALL_FIELD, toItemContext } from '../shared/call-context';

export function itemsOfCall(call: IncomingCall): INodeExecutionData[] {
	const argumentSets = call.items.length > 0 ? call.items : [{}];
	const context = toItemContext(call.context);
	return argumentSets.map((args) => ({ json: { ...args, [FUNCTION_CALL_FIELD]: { ...context } } }));
}
