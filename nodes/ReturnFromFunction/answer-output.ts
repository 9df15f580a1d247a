// Return from Function's own output: what it sent back and which call it answered, so a
// person reading the function's execution sees the answer, not the node's input again.
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { CallContext } from '../shared/addon-types';

/** What the node handed back: a value, or an error message the caller raises. */
export type Answer = { returned: unknown } | { error: string };

/** The call an answer went to, as a reader needs it: the function's name and the call's id. */
export function answeredCall(context: CallContext): IDataObject {
	// The context names the function by its key, "<scope>/<name>"; a scope holds no "/".
	const name = context.function.slice(context.function.indexOf('/') + 1);
	return { function: name, callId: context.callId };
}

/**
 * One item, `{returned, call}` or `{error, call}`, paired with every input item. Nodes after
 * Return from Function start from it; the items it received stay readable with
 * `$('<node before>').all()`.
 */
export function answerOutput(items: INodeExecutionData[], context: CallContext, answer: Answer): INodeExecutionData[] {
	const json = { ...answer, call: answeredCall(context) } as IDataObject;
	return [{ json, pairedItem: items.map((_, index) => ({ item: index })) }];
}
