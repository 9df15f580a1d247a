// Finds the call Return from Function answers: on the incoming items, or, when a node in
// between dropped `_functionCall`, on the output of the Function trigger upstream.
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { CallContext } from '../shared/addon-types';
import { findCallContext, readCallContext } from '../shared/call-context';

export const FUNCTION_TRIGGER_TYPE_SUFFIX = '.functionTrigger';

/** The first call context among the Function triggers' first output items. */
export function contextFromTriggers(
	triggerNames: string[],
	firstJsonOf: (nodeName: string) => IDataObject | undefined,
): CallContext | undefined {
	for (const name of triggerNames) {
		const context = readCallContext(firstJsonOf(name));
		if (context) return context;
	}
	return undefined;
}

/** Function triggers upstream of the running node (any distance). */
function upstreamFunctionTriggers(context: IExecuteFunctions): string[] {
	return context
		.getParentNodes(context.getNode().name)
		.filter((parent) => parent.type.endsWith(FUNCTION_TRIGGER_TYPE_SUFFIX) && !parent.disabled)
		.map((parent) => parent.name);
}

/** `$('<name>').first().json`, or undefined when that node did not run in this execution. */
function firstJsonOf(context: IExecuteFunctions, nodeName: string): IDataObject | undefined {
	try {
		const first = context.getWorkflowDataProxy(0).$(nodeName).first() as { json?: IDataObject } | undefined;
		return first?.json;
	} catch {
		return undefined;
	}
}

export function lookUpCallContext(context: IExecuteFunctions, items: INodeExecutionData[]): CallContext | undefined {
	return (
		findCallContext(items) ??
		contextFromTriggers(upstreamFunctionTriggers(context), (name) => firstJsonOf(context, name))
	);
}
