// What an old Return from Function's code does, read without running it: one `return
// <expression>` that an n8n expression can compute the same way, or code a Code node has to
// run; and what it reads that behaves differently here.
import { type Token, TokenizeError, tokenize } from './js-tokens';

/** Names an n8n expression gives the same meaning as the old package's eval did. */
const EXPRESSION_NAMES = new Set([
	'$json',
	'true', 'false', 'null', 'undefined', 'NaN', 'Infinity',
	'typeof', 'instanceof', 'in', 'new', 'void',
	'Math', 'JSON', 'Date', 'Number', 'String', 'Boolean', 'Object', 'Array',
	'parseInt', 'parseFloat', 'isNaN', 'isFinite', 'encodeURIComponent', 'decodeURIComponent', 'encodeURI', 'decodeURI',
]);

/** Operators that change something: an expression that has them goes to a Code node. */
const CHANGING = new Set(['=', '+=', '-=', '*=', '/=', '%=', '**=', '<<=', '>>=', '>>>=', '&=', '|=', '^=', '&&=', '||=', '??=', '++', '--', '=>']);

/**
 * Names the old package's eval let Return code see besides its four variables: the code ran
 * inside the node's own method (its local variables) and module (Node's require). A Code
 * node has none of them.
 */
const OLD_INTERNALS = new Set(['registry', 'returnData', 'callContext', 'functionCallData', 'returnCode', 'context', 'logger', 'require', 'module', 'exports', 'process', '__dirname', '__filename']);

/** The old method's loop variables, which Return code could read too; the Code node provides them. */
export const OLD_LOOP_NAMES = ['items', 'item', 'itemIndex'] as const;

export interface ReturnCodeReading {
	/** The expression of a code that is one `return <expression>` an n8n expression can compute; else undefined. */
	expression?: string;
	/** Why the code cannot become an expression (for the report's detail), when it cannot. */
	whyCode?: string;
	/** The code could not be read at all (it would not have run in the old package either). */
	unreadable?: string;
	/** Reads binary data: `$binary`, `.binary`, or the whole `$item`. */
	readsBinary: boolean;
	/** Reads `$json` as a whole (not one field of it). */
	readsWholeJson: boolean;
	/** Fields read as `$json.name`, `$json["name"]` or `$item.json.name`. */
	jsonFields: string[];
	/** Old internals it reads (see OLD_INTERNALS). */
	internals: string[];
	/** Of OLD_LOOP_NAMES, those it reads. */
	loopNames: string[];
	/** It has no `return`: it returned undefined. */
	returnsNothing: boolean;
	/** The expression is an array literal (the old package turned arrays into objects). */
	returnsArrayLiteral: boolean;
}

const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

function isPunctuator(token: Token | undefined, ...texts: string[]): boolean {
	return token?.kind === 'punctuator' && texts.includes(token.text);
}

/** An identifier used as a name of its own: not a property (`a.name`) and not an object key (`{ name: 1 }`). */
function isFreeName(tokens: Token[], index: number): boolean {
	const before = tokens[index - 1];
	if (isPunctuator(before, '.', '?.')) return false;
	if (isPunctuator(tokens[index + 1], ':') && isPunctuator(before, '{', ',')) return false;
	return true;
}

/** Names the code declares itself (`const x`, `function x`, `x =>`), which shadow anything of the same name. */
function declaredNames(tokens: Token[]): Set<string> {
	const names = new Set<string>();
	tokens.forEach((token, index) => {
		const next = tokens[index + 1];
		if (token.kind === 'identifier' && ['const', 'let', 'var', 'function', 'class'].includes(token.text) && next?.kind === 'identifier') names.add(next.text);
		if (token.kind === 'identifier' && isPunctuator(next, '=>')) names.add(token.text);
	});
	return names;
}

/** The field named by the tokens after `$json` (`.name` or `["name"]`), or undefined when it is read whole. */
function fieldAfter(tokens: Token[], index: number): string | undefined {
	return fieldAt(tokens, index)?.field;
}

function fieldAt(tokens: Token[], index: number): { field: string; end: number } | undefined {
	const next = tokens[index + 1];
	const after = tokens[index + 2];
	if (isPunctuator(next, '.', '?.') && after?.kind === 'identifier') return { field: after.text, end: index + 2 };
	if (isPunctuator(next, '[') && after?.kind === 'string' && isPunctuator(tokens[index + 3], ']')) return { field: after.text.slice(1, -1), end: index + 3 };
	return undefined;
}

/** A field read: `$json.name` not assigned to (`$json.name = …` writes it). */
function fieldRead(tokens: Token[], index: number): { field?: string; whole: boolean } {
	const at = fieldAt(tokens, index);
	if (!at) return { whole: true };
	return isPunctuator(tokens[at.end + 1], '=') ? { whole: false } : { field: at.field, whole: false };
}

function readFacts(tokens: Token[]): Omit<ReturnCodeReading, 'expression' | 'whyCode' | 'unreadable' | 'returnsArrayLiteral'> {
	const declared = declaredNames(tokens);
	const fields = new Set<string>();
	const internals = new Set<string>();
	const loopNames = new Set<string>();
	let readsBinary = false;
	let readsWholeJson = false;
	let returns = false;
	tokens.forEach((token, index) => {
		if (token.kind !== 'identifier') return;
		if (token.text === 'return') returns = true;
		if (token.text === 'binary' && isPunctuator(tokens[index - 1], '.', '?.')) readsBinary = true;
		if (!isFreeName(tokens, index) || declared.has(token.text)) return;
		if (token.text === '$binary') readsBinary = true;
		if (OLD_INTERNALS.has(token.text)) internals.add(token.text);
		if ((OLD_LOOP_NAMES as readonly string[]).includes(token.text)) loopNames.add(token.text);
		if (token.text === '$json') {
			const read = fieldRead(tokens, index);
			if (read.whole) readsWholeJson = true;
			else if (read.field !== undefined) fields.add(read.field);
		}
		if (token.text === '$item') {
			// `$item.json…` reads the item's JSON; anything else of `$item` may carry its binary data.
			if (fieldAfter(tokens, index) !== 'json') {
				readsBinary = true;
				return;
			}
			const read = fieldRead(tokens, index + 2);
			if (read.whole) readsWholeJson = true;
			else if (read.field !== undefined) fields.add(read.field);
		}
	});
	return {
		readsBinary,
		readsWholeJson,
		jsonFields: [...fields],
		internals: [...internals],
		loopNames: OLD_LOOP_NAMES.filter((name) => loopNames.has(name)),
		returnsNothing: !returns,
	};
}

/** The tokens after `return` when the code is nothing but `return <expression>;`, else why not. */
function singleReturn(tokens: Token[]): { expression: Token[] } | { why: string } {
	if (tokens.length === 0) return { why: 'it is empty' };
	if (tokens[0].kind !== 'identifier' || tokens[0].text !== 'return') return { why: 'it is more than a single return statement' };
	let body = tokens.slice(1);
	if (isPunctuator(body[body.length - 1], ';')) body = body.slice(0, -1);
	if (body.length === 0 || body[0].newlineBefore) return { why: 'it returns nothing' };
	const open: string[] = [];
	for (const token of body) {
		// A line break outside brackets may end the statement (JavaScript inserts a semicolon there).
		if (open.length === 0 && token !== body[0] && token.newlineBefore) return { why: 'it spans several lines' };
		if (token.kind === 'punctuator' && OPENERS[token.text]) open.push(OPENERS[token.text]);
		else if (isPunctuator(token, ')', ']', '}')) {
			if (open.pop() !== token.text) return { why: 'its brackets do not match' };
		} else if (open.length === 0 && isPunctuator(token, ';')) return { why: 'it is more than one statement' };
	}
	if (open.length > 0) return { why: 'its brackets do not match' };
	return { expression: body };
}

/** Why an n8n expression could not compute the same as `expression` did in the old package, if it could not. */
function expressionProblem(tokens: Token[], text: string): string | undefined {
	if (text.includes('{{') || text.includes('}}')) return 'it holds "{{" or "}}", which end an n8n expression';
	for (const token of tokens) {
		if (token.kind === 'regex') return 'it holds a regular expression';
		if (token.kind === 'punctuator' && CHANGING.has(token.text)) return `it uses "${token.text}"`;
	}
	for (const [index, token] of tokens.entries()) {
		if (token.kind === 'identifier' && isFreeName(tokens, index) && !EXPRESSION_NAMES.has(token.text)) {
			return `it reads ${token.text}, which an n8n expression does not have the same way`;
		}
	}
	return undefined;
}

/** Whether the tokens are one bracketed literal: `{…}` or `[…]` from first to last token. */
function isOneLiteral(tokens: Token[], opener: '{' | '['): boolean {
	if (!isPunctuator(tokens[0], opener)) return false;
	let depth = 0;
	for (const [index, token] of tokens.entries()) {
		if (token.kind === 'punctuator' && OPENERS[token.text]) depth += 1;
		if (isPunctuator(token, ')', ']', '}')) depth -= 1;
		if (depth === 0) return index === tokens.length - 1;
	}
	return false;
}

/** Reads an old Return from Function's `returnCode`. */
export function readReturnCode(code: string): ReturnCodeReading {
	let tokens: Token[];
	try {
		tokens = tokenize(code);
	} catch (error) {
		const why = error instanceof TokenizeError ? error.message : String(error);
		return {
			unreadable: why,
			whyCode: `it cannot be read: ${why}`,
			readsBinary: false,
			readsWholeJson: false,
			jsonFields: [],
			internals: [],
			loopNames: [],
			returnsNothing: false,
			returnsArrayLiteral: false,
		};
	}
	const facts = readFacts(tokens);
	const single = singleReturn(tokens);
	if ('why' in single) return { ...facts, whyCode: single.why, returnsArrayLiteral: false };
	const expressionTokens = single.expression;
	const text = code.slice(expressionTokens[0].start, expressionTokens[expressionTokens.length - 1].end);
	const returnsArrayLiteral = isOneLiteral(expressionTokens, '[');
	const problem = expressionProblem(expressionTokens, text);
	if (problem) return { ...facts, whyCode: problem, returnsArrayLiteral };
	return { ...facts, expression: text, returnsArrayLiteral };
}

/**
 * The Return from Function "JSON Value" that computes `expression`. The node parses a text
 * result as JSON, so a value that may be text is handed over as its JSON (what the old
 * package sent its callers, too); objects, arrays and `$json` are handed over as they are.
 */
export function jsonValueExpression(expression: string): string {
	const tokens = tokenize(expression);
	const asIs =
		isOneLiteral(tokens, '{') ||
		isOneLiteral(tokens, '[') ||
		(tokens.length === 1 && (tokens[0].kind === 'number' || ['$json', 'true', 'false', 'null'].includes(tokens[0].text)));
	return asIs ? `={{ ${expression} }}` : `={{ JSON.stringify(${expression}) }}`;
}
