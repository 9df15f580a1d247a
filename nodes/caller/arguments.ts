// The argument set of one call, from Call Function's "Parameters" fields or its JSON, with
// values the editor hands over as text converted to the parameter's declared type.
import { FUNCTION_CALL_FIELD } from '../shared/call-context';
import { GuidedError } from '../shared/guided-error';
import { findNonFiniteNumber } from '../shared/json-safe';

export type Arguments = Record<string, unknown>;

/** A resource mapper schema entry: the parameter's name and its field type, if any. */
export interface MappedParameter {
	id: string;
	type?: string;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
	if (typeof value === 'string') return `the text ${JSON.stringify(value)}`;
	if (Array.isArray(value)) return 'an array';
	if (value === null) return 'null';
	return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

function wrongType(name: string, expected: string, value: unknown): GuidedError {
	return new GuidedError(
		`Parameter "${name}" expects ${expected}, but got ${describeValue(value)}`,
		`Give "${name}" ${expected}. In an expression, convert the value first, e.g. {{ Number($json.${name}) }}.`,
	);
}

function parseJsonText(text: string): { ok: true; value: unknown } | { ok: false } {
	try {
		return { ok: true, value: JSON.parse(text) as unknown };
	} catch {
		return { ok: false };
	}
}

/**
 * `value` as the declared `type`: text becomes a number, boolean, object or array where it
 * reads as one; a value that cannot be converted fails naming the parameter.
 */
export function toDeclaredType(name: string, value: unknown, type: string | undefined): unknown {
	switch (type) {
		case 'string':
			if (typeof value === 'string') return value;
			if (typeof value === 'number' || typeof value === 'boolean') return String(value);
			throw wrongType(name, 'a string', value);
		case 'number': {
			if (typeof value === 'number' && Number.isFinite(value)) return value;
			const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
			if (Number.isFinite(number)) return number;
			throw wrongType(name, 'a number', value);
		}
		case 'boolean': {
			if (typeof value === 'boolean') return value;
			const text = typeof value === 'string' ? value.trim().toLowerCase() : '';
			if (text === 'true') return true;
			if (text === 'false') return false;
			throw wrongType(name, 'a boolean (true or false)', value);
		}
		case 'object': {
			if (isPlainObject(value)) return value;
			const parsed = typeof value === 'string' ? parseJsonText(value) : { ok: false as const };
			if (parsed.ok && isPlainObject(parsed.value)) return parsed.value;
			throw wrongType(name, 'an object', value);
		}
		case 'array': {
			if (Array.isArray(value)) return value;
			const parsed = typeof value === 'string' ? parseJsonText(value) : { ok: false as const };
			if (parsed.ok && Array.isArray(parsed.value)) return parsed.value;
			throw wrongType(name, 'an array', value);
		}
		default:
			return value;
	}
}

/** A field left empty in the editor means "not given", so the function's default applies. */
function isLeftEmpty(value: unknown): boolean {
	return value === undefined || value === null || value === '';
}

/** Arguments from the "Parameters" fields: empty fields left out, values converted per schema. */
export function argumentsFromFields(
	values: Record<string, unknown> | null | undefined,
	schema: MappedParameter[] | null | undefined,
): Arguments {
	const types = new Map((schema ?? []).map((field) => [field.id, field.type]));
	const args: Arguments = {};
	for (const [name, value] of Object.entries(values ?? {})) {
		if (name === FUNCTION_CALL_FIELD || isLeftEmpty(value)) continue;
		args[name] = toDeclaredType(name, value, types.get(name));
	}
	return args;
}

/** Arguments from "Parameters (JSON)": an object (or its JSON text) with one key per parameter. */
export function argumentsFromJson(raw: unknown): Arguments {
	let value = raw;
	if (typeof raw === 'string') {
		if (raw.trim() === '') return {};
		const parsed = parseJsonText(raw);
		if (!parsed.ok) {
			throw new GuidedError(
				'"Parameters (JSON)" is not valid JSON',
				'Write an object with one key per parameter, e.g. {"a": 2, "b": 3}, or an expression such as {{ { a: $json.a, b: $json.b } }}.',
			);
		}
		value = parsed.value;
	}
	if (!isPlainObject(value)) {
		throw new GuidedError(
			`"Parameters (JSON)" must be an object, but is ${describeValue(value)}`,
			'Write an object with one key per parameter, e.g. {"a": 2, "b": 3}.',
		);
	}
	const { [FUNCTION_CALL_FIELD]: _context, ...args } = value;
	return args;
}

/** Refuses NaN and Infinity (JSON cannot carry them), naming the parameter. */
export function assertSendable(args: Arguments): Arguments {
	const path = findNonFiniteNumber(args);
	if (path) {
		const parameter = path.split(/[.[]/)[0];
		throw new GuidedError(
			`Parameter "${parameter}" is not a valid number (NaN or Infinity at ${path})`,
			`An expression produced NaN or Infinity, e.g. Number() of text that is not a number. Check the value given to "${parameter}".`,
		);
	}
	return args;
}
