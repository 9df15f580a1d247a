// One call an agent makes through a function's tool: the model's arguments go out as they
// are, through the same path as Call Function's calls (make-call.ts: queued to the function's
// trigger, or run in this process where waiting could starve the worker), so the same checks,
// rules and error texts apply.
import { assertSendable } from '../caller/arguments';
import { makeCall } from '../caller/make-call';
import type { CallerContext } from '../caller/run-here';
import type { FunctionInfo } from '../shared/addon-types';
import type { Functions } from '../shared/client';

export type ModelArguments = Record<string, unknown>;

/** What the model reads back: the function's value, or why the call failed. */
export type ToolOutcome = { response: unknown } | { error: string };

export async function callFunctionTool(
	context: CallerContext,
	functions: Functions,
	info: FunctionInfo,
	args: ModelArguments,
	timeoutMs: number,
): Promise<unknown> {
	const outcome = await makeCall(context, functions, { scope: info.scope, name: info.name, items: [assertSendable(args)], timeoutMs });
	if ('error' in outcome) throw outcome.error;
	return outcome.value;
}
