// One call an agent makes through a function's tool: the model's arguments go out as they
// are, through the same path as Call Function's calls (make-call.ts: queued to the function's
// trigger, or run in this process where waiting could starve the worker), so the same checks,
// rules and error texts apply.
import { assertSendable } from '../caller/arguments';
import { type Parking, makeCall } from '../caller/make-call';
import type { CallerContext } from '../caller/run-here';
import type { FunctionInfo } from '../shared/addon-types';
import type { Functions } from '../shared/client';

export type ModelArguments = Record<string, unknown>;

/** An agent's run waits for its tools' values: a tool call whose function parks waits in place. */
const TOOL_CALLS_WAIT: Parking = {
	waitInPlace: "It is a tool call of an AI agent, whose run waits for the tool's value. Give the agent functions that answer without waiting for people, or call this one from a Call Function node.",
};

/** What the model reads back: the function's value, or why the call failed. */
export type ToolOutcome = { response: unknown } | { error: string };

export async function callFunctionTool(
	context: CallerContext,
	functions: Functions,
	info: FunctionInfo,
	args: ModelArguments,
	timeoutMs: number,
): Promise<unknown> {
	const request = { scope: info.scope, name: info.name, items: [assertSendable(args)], timeoutMs };
	const outcome = await makeCall(context, functions, request, TOOL_CALLS_WAIT);
	if ('error' in outcome) throw outcome.error;
	if ('parked' in outcome) throw new Error('A tool call never parks'); // TOOL_CALLS_WAIT waits in place
	return outcome.value;
}
