// An old Call Function's arguments in the matching mode here: "Individual Parameters" →
// Fields (a resource mapper built from the function's declaration, as the editor builds
// it), "JSON Object" → JSON. Where a written value reaches the function differently, or not
// at all, it says so.
import { isDeepStrictEqual } from 'node:util';

import { toDeclaredType } from '../../nodes/caller/arguments';
import { toMapperFields } from '../../nodes/CallFunction/mapper-fields';
import type { ParameterSpec } from '../../nodes/shared/addon-types';
import type { OldCall } from './old-nodes';

/** The old package's placeholders in a parameter row's name; it skipped such rows. */
const PLACEHOLDER_ROWS = new Set(['__no_params_available__', '__function_changed__', '__clear_parameters__']);

export interface ConvertedArguments {
	parameters: Record<string, unknown>;
	/** Values that reach the function differently than before (the call still runs). */
	differences: string[];
	/** Why calls cannot run as before: the node needs attention. */
	problems: string[];
}

function isExpression(value: unknown): boolean {
	return typeof value === 'string' && value.startsWith('=');
}

/** What the old package passed for a written value: its JSON, else the text itself. */
function oldValueOf(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}

function show(value: unknown): string {
	return value === undefined ? 'nothing' : JSON.stringify(value);
}

/** The value as the editor stores a field of its type: numbers and booleans as such, the rest as text. */
function storedValue(text: string, spec: ParameterSpec): unknown {
	if (spec.type !== 'number' && spec.type !== 'boolean') return text;
	try {
		return toDeclaredType(spec.name, text, spec.type);
	} catch {
		return text;
	}
}

/** The rows as they were, when the function they go to is not known: nothing to check them against. */
function keptAsWritten(old: OldCall): ConvertedArguments {
	const value = Object.fromEntries(old.parameters.filter((row) => !PLACEHOLDER_ROWS.has(row.name)).map((row) => [row.name, row.value]));
	return {
		parameters: {
			parametersMode: 'fields',
			arguments: { mappingMode: 'defineBelow', value, matchingColumns: [], schema: [], attemptToConvertTypes: false, convertFieldsToString: false },
		},
		differences: [],
		problems: [],
	};
}

function fromIndividual(old: OldCall, specs: ParameterSpec[]): ConvertedArguments {
	const declared = new Map(specs.map((spec) => [spec.name, spec]));
	const value: Record<string, unknown> = {};
	const differences: string[] = [];
	const problems: string[] = [];
	const undeclared: string[] = [];
	const textFromExpressions: string[] = [];
	for (const row of old.parameters) {
		if (PLACEHOLDER_ROWS.has(row.name)) continue;
		const spec = declared.get(row.name);
		if (!spec) {
			undeclared.push(row.name);
			continue;
		}
		if (isExpression(row.value)) {
			value[row.name] = row.value;
			if (spec.type === 'string') textFromExpressions.push(`"${row.name}"`);
			continue;
		}
		const text = typeof row.value === 'string' ? row.value : JSON.stringify(row.value);
		const before = oldValueOf(text);
		if (text === '') {
			// An empty field here means "not given": the default applies, or a required parameter is missing.
			if (spec.required) problems.push(`It passes an empty text to the required parameter "${row.name}", which here counts as not given.`);
			else differences.push(`It passes an empty text to "${row.name}": the old package passed "", here an empty field is left out${spec.default !== undefined ? ` and the default ${JSON.stringify(spec.default)} applies` : ''}.`);
			continue;
		}
		try {
			const after = toDeclaredType(row.name, text, spec.type);
			if (!isDeepStrictEqual(after, before)) differences.push(`"${row.name}" gets ${show(after)} (${spec.type}); the old package passed ${show(before)}.`);
		} catch (error) {
			problems.push(`${(error as Error).message}: the old package passed ${show(before)}, which this function's declaration refuses.`);
		}
		value[row.name] = storedValue(text, spec);
	}
	if (textFromExpressions.length > 0) {
		const one = textFromExpressions.length === 1;
		differences.push(`${textFromExpressions.join(', ')} ${one ? 'is' : 'are'} filled by an expression: where it gives text that reads as JSON (such as "42" or "true"), the old package passed the value it reads as (42, true); here a string parameter gets the text as it is.`);
	}
	if (undeclared.length > 0) {
		differences.push(`It passes ${undeclared.map((name) => `"${name}"`).join(', ')}, which the function does not declare: the old package dropped ${undeclared.length === 1 ? 'it' : 'them'}, and ${undeclared.length === 1 ? 'it is' : 'they are'} left out.`);
	}
	for (const spec of specs) {
		if (spec.required && !(spec.name in value)) {
			problems.push(`It does not pass the required parameter "${spec.name}" (the old package failed such calls too).`);
		}
	}
	return {
		parameters: {
			parametersMode: 'fields',
			arguments: {
				mappingMode: 'defineBelow',
				value,
				matchingColumns: [],
				schema: toMapperFields(specs),
				attemptToConvertTypes: false,
				convertFieldsToString: false,
			},
		},
		differences,
		problems,
	};
}

/** Whether our check (src/params.rs) accepts `value` for a parameter of `type`. */
function accepts(type: string, value: unknown): boolean {
	switch (type) {
		case 'string':
			return typeof value === 'string';
		case 'number':
			return typeof value === 'number';
		case 'boolean':
			return typeof value === 'boolean';
		case 'object':
			return typeof value === 'object' && value !== null && !Array.isArray(value);
		case 'array':
			return Array.isArray(value);
		default:
			return true;
	}
}

function fromJson(old: OldCall, specs: ParameterSpec[]): ConvertedArguments {
	const differences: string[] = [];
	const problems: string[] = [];
	let json = old.parametersJson;
	if (typeof json === 'string' && !isExpression(json)) {
		const parsed = oldValueOf(json);
		if (parsed === json || typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
			differences.push('Its Parameters JSON is not a JSON object: its calls fail, as they did in the old package.');
		} else if (specs.length > 0) {
			const args = parsed as Record<string, unknown>;
			const declared = new Map(specs.map((spec) => [spec.name, spec]));
			const undeclared = Object.keys(args).filter((name) => !declared.has(name));
			if (undeclared.length > 0) {
				for (const name of undeclared) delete args[name];
				json = JSON.stringify(args, null, 2);
				differences.push(`Its Parameters JSON has ${undeclared.map((name) => `"${name}"`).join(', ')}, which the function does not declare: the old package dropped ${undeclared.length === 1 ? 'it' : 'them'} (in regular mode), and ${undeclared.length === 1 ? 'it is' : 'they are'} left out here.`);
			}
			for (const [name, value] of Object.entries(args)) {
				const spec = declared.get(name) as ParameterSpec;
				if (value !== null && !accepts(spec.type, value)) {
					problems.push(`Its Parameters JSON gives "${name}" ${show(value)}, but the function declares it ${spec.type}: the old package passed it as it was, and here the call would be refused.`);
				}
			}
			for (const spec of specs) {
				if (spec.required && !(spec.name in args)) differences.push(`Its Parameters JSON leaves out the required parameter "${spec.name}": its calls fail, as they did in the old package.`);
			}
		}
	}
	return { parameters: { parametersMode: 'json', parametersJson: json }, differences, problems };
}

/** The arguments of `old` for a function declaring `specs` (undefined: a function not known). */
export function convertArguments(old: OldCall, specs: ParameterSpec[] | undefined): ConvertedArguments {
	if (old.parameterMode === 'json') return fromJson(old, specs ?? []);
	return specs ? fromIndividual(old, specs) : keptAsWritten(old);
}
