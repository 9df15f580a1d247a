// A small JavaScript tokenizer, enough to read an old Return from Function's code without
// running it: where its statements end, which names it reads, whether it holds a regex.
// It never has to be complete: whatever it is unsure of sends the code down the safe road
// (a Code node that runs it as it was), so a wrong guess can only cost readability.

export type TokenKind = 'identifier' | 'number' | 'string' | 'template' | 'regex' | 'punctuator';

export interface Token {
	kind: TokenKind;
	text: string;
	start: number;
	end: number;
	/** A line break (or a comment holding one) between this token and the one before. */
	newlineBefore: boolean;
}

export class TokenizeError extends Error {}

// Longest first, so ">>>=" is not read as ">" ">" ">=".
const PUNCTUATORS = [
	'>>>=', '...', '===', '!==', '**=', '<<=', '>>=', '>>>', '&&=', '||=', '??=',
	'=>', '==', '!=', '<=', '>=', '&&', '||', '??', '?.', '++', '--', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '**', '<<', '>>',
	'{', '}', '(', ')', '[', ']', ';', ',', '<', '>', '+', '-', '*', '/', '%', '&', '|', '^', '!', '~', '?', ':', '=', '.', '@', '#',
];

/** Words after which a "/" starts a regular expression rather than dividing. */
const REGEX_AFTER_WORDS = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);

const IDENTIFIER_START = /[A-Za-z_$\u00a0-\uffff]/;
const IDENTIFIER_PART = /[A-Za-z0-9_$\u00a0-\uffff]/;

function regexMayStart(previous: Token | undefined): boolean {
	if (!previous) return true;
	if (previous.kind === 'identifier') return REGEX_AFTER_WORDS.has(previous.text);
	if (previous.kind === 'punctuator') return ![')', ']', '}'].includes(previous.text);
	return false;
}

/** Tokens of `source`; throws TokenizeError on what it cannot read (an unclosed string, …). */
export function tokenize(source: string): Token[] {
	const tokens: Token[] = [];
	let position = 0;
	// One entry per open "${" of a template literal: the brace depth inside it.
	const templateDepths: number[] = [];
	let newline = false;

	const push = (kind: TokenKind, start: number, end: number) => {
		tokens.push({ kind, text: source.slice(start, end), start, end, newlineBefore: newline });
		newline = false;
	};

	/** Reads template text from `from` (just after "`" or "}") to "`" (ends it) or "${" (opens an expression). */
	const readTemplatePart = (from: number, start: number) => {
		let at = from;
		while (at < source.length) {
			const char = source[at];
			if (char === '\\') {
				at += 2;
				continue;
			}
			if (char === '`') {
				push('template', start, at + 1);
				return at + 1;
			}
			if (char === '$' && source[at + 1] === '{') {
				push('template', start, at + 2);
				templateDepths.push(0);
				return at + 2;
			}
			at += 1;
		}
		throw new TokenizeError('a template literal is not closed');
	};

	while (position < source.length) {
		const char = source[position];
		if (char === '\n' || char === '\r' || char === '\u2028' || char === '\u2029') {
			newline = true;
			position += 1;
			continue;
		}
		if (/\s/.test(char)) {
			position += 1;
			continue;
		}
		if (char === '/' && source[position + 1] === '/') {
			while (position < source.length && source[position] !== '\n') position += 1;
			continue;
		}
		if (char === '/' && source[position + 1] === '*') {
			const end = source.indexOf('*/', position + 2);
			if (end < 0) throw new TokenizeError('a /* comment */ is not closed');
			if (/[\n\r\u2028\u2029]/.test(source.slice(position, end))) newline = true;
			position = end + 2;
			continue;
		}
		const start = position;
		if (char === '"' || char === "'") {
			position += 1;
			while (position < source.length && source[position] !== char) {
				if (source[position] === '\n') throw new TokenizeError('a string runs past the end of its line');
				position += source[position] === '\\' ? 2 : 1;
			}
			if (position >= source.length) throw new TokenizeError('a string is not closed');
			position += 1;
			push('string', start, position);
			continue;
		}
		if (char === '`') {
			position = readTemplatePart(position + 1, start);
			continue;
		}
		if (char === '}' && templateDepths.length > 0 && templateDepths[templateDepths.length - 1] === 0) {
			templateDepths.pop();
			position = readTemplatePart(position + 1, start);
			continue;
		}
		if (IDENTIFIER_START.test(char)) {
			while (position < source.length && IDENTIFIER_PART.test(source[position])) position += 1;
			push('identifier', start, position);
			continue;
		}
		if (/[0-9]/.test(char) || (char === '.' && /[0-9]/.test(source[position + 1] ?? ''))) {
			while (position < source.length && /[0-9A-Za-z_.]/.test(source[position])) {
				// An exponent's sign belongs to the number: 1e-3.
				if (/[eE]/.test(source[position]) && /[+-]/.test(source[position + 1] ?? '') && !/^0[xX]/.test(source.slice(start))) position += 1;
				position += 1;
			}
			push('number', start, position);
			continue;
		}
		if (char === '/' && regexMayStart(tokens[tokens.length - 1])) {
			position += 1;
			let inClass = false;
			while (position < source.length) {
				const current = source[position];
				if (current === '\n') throw new TokenizeError('a regular expression runs past the end of its line');
				if (current === '\\') {
					position += 2;
					continue;
				}
				if (current === '[') inClass = true;
				else if (current === ']') inClass = false;
				else if (current === '/' && !inClass) break;
				position += 1;
			}
			position += 1;
			while (position < source.length && IDENTIFIER_PART.test(source[position])) position += 1;
			push('regex', start, position);
			continue;
		}
		const punctuator = PUNCTUATORS.find((candidate) => source.startsWith(candidate, position));
		if (!punctuator) throw new TokenizeError(`it holds a character JavaScript does not know here: ${JSON.stringify(char)}`);
		if (templateDepths.length > 0) {
			if (punctuator === '{') templateDepths[templateDepths.length - 1] += 1;
			if (punctuator === '}') templateDepths[templateDepths.length - 1] -= 1;
		}
		position += punctuator.length;
		push('punctuator', start, position);
	}
	if (templateDepths.length > 0) throw new TokenizeError('a template literal is not closed');
	return tokens;
}
