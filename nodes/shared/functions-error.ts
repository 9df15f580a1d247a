// The addon's errors carry the engine's stable code as \`error.code\`; this turns them into
// a typed error. The list of codes is checked against the addon's own (errorCodes()).

export const FUNCTIONS_ERROR_CODES = [
	'FUNCTION_NOT_FOUND',
	'FUNCTION_INACTIVE',
	'INVALID_ARGUMENTS',
	'CALLER_NOT_ALLOWED',
	'INVALID_DEFINITION',
	'CALL_TIMEOUT',
	'FUNCTION_FAILED',
	'CALLER_CANNOT_WAIT',
	'REDIS_UNAVAILABLE',
	'INVALID_CALL_CONTEXT',
	'PAYLOAD_TOO_LARGE',
	'INVALID_OPTIONS',
	'INTERNAL',
] as const;

export type FunctionsErrorCode = (typeof FUNCTIONS_ERROR_CODES)[number];

/** An error of the functions engine, with its stable code. */
export class FunctionsError extends Error {
	override readonly name = 'FunctionsError';

	constructor(
		readonly code: FunctionsErrorCode,
		message: string,
	) {
		super(message);
	}
}

/**
 * The message of an Error, also of one from another realm: the addon's errors are made in
 * Node's main context, and `instanceof Error` fails for them in jest's sandbox.
 */
function messageOf(error: unknown): string | undefined {
	if (error instanceof Error) return error.message;
	if (typeof error !== 'object' || error === null) return undefined;
	const { message } = error as { message?: unknown };
	return typeof message === 'string' ? message : undefined;
}

function isKnownCode(code: string): code is FunctionsErrorCode {
	return (FUNCTIONS_ERROR_CODES as readonly string[]).includes(code);
}

/**
 * A FunctionsError when \`error\` carries one of the engine's codes, else \`error\` unchanged
 * (so unexpected failures keep their stack and type).
 */
export function toFunctionsError(error: unknown): unknown {
	if (error instanceof FunctionsError || typeof error !== 'object' || error === null) return error;
	const code = (error as { code?: unknown }).code;
	const message = messageOf(error);
	if (typeof code !== 'string' || !isKnownCode(code) || message === undefined) return error;
	const functionsError = new FunctionsError(code, message);
	const stack = (error as { stack?: unknown }).stack;
	if (typeof stack === 'string' && stack !== '') functionsError.stack = stack;
	return functionsError;
}

/** Awaits `promise` and rethrows its rejection as a FunctionsError where it has a code. */
export async function withFunctionsErrors<T>(promise: Promise<T>): Promise<T> {
	try {
		return await promise;
	} catch (error) {
		throw toFunctionsError(error);
	}
}

export function errorMessage(error: unknown): string {
	const message = messageOf(error);
	if (message !== undefined) return message;
	if (typeof error === 'string') return error;
	try {
		return JSON.stringify(error);
	} catch {
		return String(error);
	}
}
