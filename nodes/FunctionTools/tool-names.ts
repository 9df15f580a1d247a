// A function's name as a tool name: model providers accept 1-64 letters, digits, "_" and
// "-" (OpenAI and Anthropic alike), while a function may be named anything.
import type { FunctionInfo } from '../shared/addon-types';
import { GuidedError } from '../shared/guided-error';

const MAX_TOOL_NAME_LENGTH = 64;

/** "format price" → "format_price"; a name that is already valid stays as it is. */
export function toolNameOf(functionName: string): string {
	const name = functionName.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, MAX_TOOL_NAME_LENGTH);
	return name === '' ? '_' : name;
}

/**
 * The functions by tool name. Two functions whose names become the same tool name would
 * leave the agent unable to tell them apart: that is an error naming both.
 */
export function byToolName(functions: FunctionInfo[]): Map<string, FunctionInfo> {
	const named = new Map<string, FunctionInfo>();
	for (const info of functions) {
		const toolName = toolNameOf(info.name);
		const other = named.get(toolName);
		if (other) {
			throw new GuidedError(
				`The functions "${other.name}" and "${info.name}" would both be the tool "${toolName}"`,
				'Tool names keep only letters, digits, "_" and "-" (at most 64). Rename one of the functions in its Function trigger, or leave one out in "Functions to Offer".',
			);
		}
		named.set(toolName, info);
	}
	return named;
}
