// A parameter's default, written as text in the old Function node, converted to the text
// this package's Function trigger reads as the same value. The old package read it per
// type: Number(text), text.toLowerCase() === "true", JSON.parse(text) for objects and
// arrays (the text itself when that failed), the text for strings; "" meant no default.

export type DefaultConversion =
	/** The text our trigger reads as the value the old package used; `note` when that may surprise. */
	| { text: string; note?: string }
	/** No value of the declared type: the text is kept, and our trigger refuses it at activation. */
	| { text: string; problem: string };

function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
	try {
		return { ok: true, value: JSON.parse(text) as unknown };
	} catch {
		return { ok: false };
	}
}

function isPlainObject(value: unknown): boolean {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function convertDefault(type: string, text: string): DefaultConversion {
	if (text === '') return { text: '' };
	switch (type) {
		case 'string':
			// Our trigger reads blank text as no default, and text in quotes as a JSON string.
			return text.trim() === '' || text.trim().startsWith('"') ? { text: JSON.stringify(text) } : { text };
		case 'number': {
			const value = Number(text);
			if (Number.isFinite(value)) return { text: JSON.stringify(value) };
			return { text, problem: `its default ${JSON.stringify(text)} is not a number (the old package used ${String(value)})` };
		}
		case 'boolean': {
			const value = text.toLowerCase() === 'true';
			const note = ['true', 'false'].includes(text.trim().toLowerCase()) && text === text.trim() ? undefined : `its default ${JSON.stringify(text)} was read as ${value} by the old package, and is written as ${value}`;
			return note ? { text: String(value), note } : { text: String(value) };
		}
		case 'object':
		case 'array': {
			const parsed = tryJson(text);
			const fits = parsed.ok && (type === 'array' ? Array.isArray(parsed.value) : isPlainObject(parsed.value));
			if (fits) return { text: text.trim() };
			const oldValue = parsed.ok ? JSON.stringify(parsed.value) : `the text ${JSON.stringify(text)}`;
			return { text, problem: `its default is not ${type === 'array' ? 'an array' : 'an object'} (the old package used ${oldValue})` };
		}
		default:
			return { text, problem: `its type "${type}" is none the old package offered` };
	}
}
