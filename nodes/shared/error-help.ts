// What a user should do about each engine error: the `description` of the node error.
import type { FunctionsErrorCode } from './functions-error';

const HELP: Record<FunctionsErrorCode, string> = {
	FUNCTION_NOT_FOUND:
		'No Function trigger has registered this function. Check the function name and the workflow chosen in Call Function (global functions are under "Global Functions"), and activate the workflow that defines it at least once.',
	FUNCTION_INACTIVE:
		'The function is known but no Function trigger is running for it. Activate the workflow named in the message (its Active/Publish toggle), or open it and click "Execute workflow" to serve a single call while testing.',
	INVALID_ARGUMENTS:
		"Give every required parameter a value of its declared type and leave out parameters the function does not declare. The parameters are declared in the function's Function trigger node.",
	CALLER_NOT_ALLOWED:
		'The function\'s workflow limits which workflows may call it, as n8n does for sub-workflows. Its owner can change "This workflow can be called by" in that workflow\'s Settings (then publish it again), or call it from a workflow it lets in.',
	INVALID_DEFINITION:
		"Fix the Function trigger's name and parameters: every parameter needs a unique name, and each default must fit the parameter's type.",
	CALL_TIMEOUT:
		"The function did not return in time. Raise Timeout in Call Function's options, look at the function's executions for a slow or stuck step, and make sure every path of its workflow reaches Return from Function.",
	FUNCTION_FAILED:
		"The function's workflow failed or ended without reaching Return from Function. Open the function's executions to see where it stopped.",
	CALLER_CANNOT_WAIT:
		"The function waits for something (a Wait, an approval, a form), and this workflow's trigger answers its HTTP request with the result, so it must wait holding a worker slot, and no more slots may wait. Set the trigger named in the message to respond immediately (then the caller parks and frees its slot), or raise the worker's concurrency.",
	REDIS_UNAVAILABLE:
		'Check that Redis is running and reachable at the address in the message, and the setting named there: the Functions Redis credential, N8N_FUNCTIONS_REDIS_URL, or QUEUE_BULL_REDIS_* in queue mode.',
	INVALID_CALL_CONTEXT:
		'The _functionCall field of the items is damaged or comes from another n8n deployment. Keep _functionCall as the Function trigger emitted it; do not build or edit it by hand.',
	PAYLOAD_TOO_LARGE:
		'Send or return less data in one call: pass ids or references instead of large values. Binary data never travels with a call.',
	INVALID_OPTIONS:
		'Check the Functions Redis credential (host, port, database, TLS) or the N8N_FUNCTIONS_REDIS_URL and N8N_FUNCTIONS_KEY_PREFIX environment variables.',
	INTERNAL:
		'This is a bug in n8n-nodes-functions. Please report it with this message and the n8n logs.',
};

export function helpFor(code: FunctionsErrorCode): string {
	return HELP[code];
}

/** What to do when a Return from Function came after the call's first answer. */
export const ALREADY_ANSWERED_HELP =
	"Only the first Return from Function of a call counts. Make sure each path of the function's workflow reaches at most one Return from Function.";
