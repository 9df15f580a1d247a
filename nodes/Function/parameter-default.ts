// A parameter's default is typed as text in the Function trigger; this reads it per type.
import { GuidedError } from '../shared/guided-error';
import { type ParameterType, withArticle } from './parameter-types';

const EXAMPLES: Record<ParameterType, string> = {
	string: 'hello',
	number: '42',
	boolean: 'true',
	object: '{"key": "value"}',
	array: '[1, 2, 3]',
	any: '42, "text" or {"key": 1}',
};

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
	try {
		return { ok: true, value: JSON.parse(text) as unknown };
	} catch {
		return { ok: false };
	}
}

function isPlainObject(value: unknown): boolean {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The default a parameter declares, or undefined when the text is empty (no default).
 * Strings may be plain text or a JSON string literal; other types are JSON (booleans
 * also "True"/"FALSE"). Throws a GuidedError naming the parameter when the text does not fit.
 */
export function parseParameterDefault(name: string, type: ParameterType, text: string | undefined): unknown {
	if (text === undefined || text.trim() === '') return undefined;
	const trimmed = text.trim();
	const fail = (): never => {
		throw new GuidedError(
			`The default of parameter "${name}" is not ${withArticle(type)}: ${JSON.stringify(text)}`,
			`Write the default of "${name}" as ${withArticle(type)}, e.g. ${EXAMPLES[type]}, or leave it empty for no default.`,
		);
	};

	switch (type) {
		case 'string': {
			if (trimmed.startsWith('"')) {
				const parsed = parseJson(trimmed);
				if (parsed.ok && typeof parsed.value === 'string') return parsed.value;
			}
			return text;
		}
		case 'number': {
			const value = Number(trimmed);
			return Number.isFinite(value) ? value : fail();
		}
		case 'boolean': {
			const lower = trimmed.toLowerCase();
			if (lower === 'true') return true;
			if (lower === 'false') return false;
			return fail();
		}
		case 'object': {
			const parsed = parseJson(trimmed);
			return parsed.ok && isPlainObject(parsed.value) ? parsed.value : fail();
		}
		case 'array': {
			const parsed = parseJson(trimmed);
			return parsed.ok && Array.isArray(parsed.value) ? parsed.value : fail();
		}
		case 'any': {
			const parsed = parseJson(trimmed);
			return parsed.ok ? parsed.value : text;
		}
	}
}
