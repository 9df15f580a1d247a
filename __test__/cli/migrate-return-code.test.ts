/**
 * Reading an old Return from Function's code without running it: which codes become an n8n
 * expression, which need a Code node, what they read; and that the Code node's JavaScript
 * returns what the old package's eval returned (run here in node:vm, as n8n's task runner
 * runs a Code node: its variables in the context).
 */
import * as vm from 'node:vm';

import { tokenize } from '../../cli/migrate/js-tokens';
import { codeNodeSource } from '../../cli/migrate/return-node';
import { jsonValueExpression, readReturnCode } from '../../cli/migrate/return-code';

describe('tokenize', () => {
	it('reads strings, templates with expressions, comments and regular expressions', () => {
		const tokens = tokenize("a /* x\n */ + `t ${b + `u${c}`} v`; // end\n/re[/]x/g.test('s')");
		expect(tokens.map((token) => [token.kind, token.text])).toEqual([
			['identifier', 'a'],
			['punctuator', '+'],
			['template', '`t ${'],
			['identifier', 'b'],
			['punctuator', '+'],
			['template', '`u${'],
			['identifier', 'c'],
			['template', '}`'],
			['template', '} v`'],
			['punctuator', ';'],
			['regex', '/re[/]x/g'],
			['punctuator', '.'],
			['identifier', 'test'],
			['punctuator', '('],
			['string', "'s'"],
			['punctuator', ')'],
		]);
		expect(tokens[1].newlineBefore).toBe(true);
		expect(tokens[10].newlineBefore).toBe(true);
	});

	it('tells division from a regular expression by what comes before', () => {
		expect(tokenize('a / b / c').map((token) => token.kind)).toEqual(['identifier', 'punctuator', 'identifier', 'punctuator', 'identifier']);
		expect(tokenize('return /b/').map((token) => token.kind)).toEqual(['identifier', 'regex']);
	});

	it('throws on what it cannot read', () => {
		expect(() => tokenize("return 'open")).toThrow('a string is not closed');
		expect(() => tokenize('return `open')).toThrow('a template literal is not closed');
	});
});

describe('readReturnCode', () => {
	it.each([
		['return $json;', '$json'],
		['// Return any value from this function\nreturn $json;', '$json'],
		['  return { sum: $json.a + $json.b }  ', '{ sum: $json.a + $json.b }'],
		['return $json.items.length > 0 ? $json.items[0] : null;', '$json.items.length > 0 ? $json.items[0] : null'],
		['return `Hello ${$json.name}`', '`Hello ${$json.name}`'],
		['return {\n  sum: $json.a + $json.b,\n  at: new Date(0).toISOString()\n};', '{\n  sum: $json.a + $json.b,\n  at: new Date(0).toISOString()\n}'],
		['return Math.max(...$json.values)', 'Math.max(...$json.values)'],
	])('%j is one return an expression computes', (code, expression) => {
		expect(readReturnCode(code).expression).toBe(expression);
	});

	it.each([
		['const x = $json.a;\nreturn x;', 'it is more than a single return statement'],
		['return $json.a; // first\nreturn 2;', 'it is more than one statement'],
		['return\n$json', 'it returns nothing'],
		['return $json.a\n+ 1', 'it spans several lines'],
		['return $index', 'it reads $index, which an n8n expression does not have the same way'],
		['return $item.json', 'it reads $item, which an n8n expression does not have the same way'],
		['return $json.list.map(x => x * 2)', 'it uses "=>"'],
		['return $json.a = 1', 'it uses "="'],
		['return /a/.test($json.s)', 'it holds a regular expression'],
		['return "{{ x }}"', 'it holds "{{" or "}}", which end an n8n expression'],
		['return { a: { b: 1 }}', 'it holds "{{" or "}}", which end an n8n expression'],
		['return this', 'it reads this, which an n8n expression does not have the same way'],
		['if ($json.a) return 1; return 2;', 'it is more than a single return statement'],
	])('%j needs a Code node: %s', (code, why) => {
		const reading = readReturnCode(code);
		expect(reading.expression).toBeUndefined();
		expect(reading.whyCode).toBe(why);
	});

	it('says what it reads: fields, the whole $json, binary data, the old node\'s internals and loop variables', () => {
		expect(readReturnCode('return { a: $json.a, b: $json["b"], c: $item.json.c }')).toMatchObject({ jsonFields: ['a', 'b', 'c'], readsWholeJson: false, readsBinary: false });
		expect(readReturnCode('return $json')).toMatchObject({ readsWholeJson: true, jsonFields: [] });
		expect(readReturnCode('$json.done = true; return $json.done')).toMatchObject({ readsWholeJson: false, jsonFields: ['done'] });
		expect(readReturnCode('$json["done"] = 1;')).toMatchObject({ readsWholeJson: false, jsonFields: [] });
		expect(readReturnCode('return $binary.data.fileName')).toMatchObject({ readsBinary: true });
		expect(readReturnCode('return $item')).toMatchObject({ readsBinary: true });
		expect(readReturnCode('return item.binary')).toMatchObject({ readsBinary: true, loopNames: ['item'] });
		expect(readReturnCode('registry.clear(); return require("fs")')).toMatchObject({ internals: ['registry', 'require'] });
		expect(readReturnCode('return items.length + itemIndex')).toMatchObject({ loopNames: ['items', 'itemIndex'] });
		// Names the code declares itself are its own.
		expect(readReturnCode('const items = [1]; const context = 2; return items.map(item => item + context)')).toMatchObject({ loopNames: [], internals: [] });
		// Property names and object keys are no variables.
		expect(readReturnCode('return { registry: $json.registry, item: 1 }')).toMatchObject({ internals: [], loopNames: [], jsonFields: ['registry'] });
	});

	it('knows a code without return returns nothing, and an array literal', () => {
		expect(readReturnCode('$json.x = 1;')).toMatchObject({ returnsNothing: true });
		expect(readReturnCode('')).toMatchObject({ returnsNothing: true });
		expect(readReturnCode('// nothing').whyCode).toBe('it is empty');
		expect(readReturnCode('return [1, 2]')).toMatchObject({ returnsArrayLiteral: true, expression: '[1, 2]' });
	});

	it('keeps code it cannot read for a Code node, saying why', () => {
		expect(readReturnCode("return 'open")).toMatchObject({ unreadable: 'a string is not closed', whyCode: 'it cannot be read: a string is not closed' });
		expect(readReturnCode("return 'open").expression).toBeUndefined();
	});
});

describe('jsonValueExpression', () => {
	it('hands objects, arrays, $json and literals over as they are, anything that may be text as its JSON', () => {
		expect(jsonValueExpression('{ sum: $json.a + $json.b }')).toBe('={{ { sum: $json.a + $json.b } }}');
		expect(jsonValueExpression('[1, 2]')).toBe('={{ [1, 2] }}');
		expect(jsonValueExpression('$json')).toBe('={{ $json }}');
		expect(jsonValueExpression('42')).toBe('={{ 42 }}');
		expect(jsonValueExpression('$json.text')).toBe('={{ JSON.stringify($json.text) }}');
		expect(jsonValueExpression('"42"')).toBe('={{ JSON.stringify("42") }}');
		expect(jsonValueExpression('{ a: 1 }.a')).toBe('={{ JSON.stringify({ a: 1 }.a) }}');
	});
});

describe("the Code node's JavaScript", () => {
	/** Runs a Code node's source for one item as n8n's task runner does: the data proxy's names in the context. */
	function runCodeNode(source: string, json: Record<string, unknown>, index = 0, binary?: Record<string, unknown>) {
		const item = { json, binary, pairedItem: { item: index } };
		const context = vm.createContext({ $json: json, $itemIndex: index, $input: { item, all: () => [item] }, item });
		return vm.runInContext(`(function () {\n${source}\n})()`, context) as { json: Record<string, unknown> };
	}

	function oldEval(code: string, json: Record<string, unknown>, index = 0, binary?: Record<string, unknown>) {
		// What n8n-nodes-function 0.2.1 did: its variables, then the code, in a function.
		const context = { $json: json, $binary: binary, $index: index, $item: { json, binary } };
		return vm.runInNewContext(`(function () { var $json = arguments[0].$json; var $binary = arguments[0].$binary; var $index = arguments[0].$index; var $item = arguments[0].$item;\n${code}\n})`)(context) as unknown;
	}

	it.each([
		'const text = String($json.n).toUpperCase();\nreturn { text: text + "!", index: $index, same: $item.json.n === $json.n };',
		'let total = 0;\nfor (const value of $json.values) total += value;\nreturn total;',
		'if ($json.n === "none") return null;\nreturn [$json.n, $index];',
		'// no return',
		'return $binary === undefined ? "no binary" : Object.keys($binary)',
	])('returns what the old eval returned: %j', (code) => {
		const json = { n: 'hey', values: [1, 2, 3], _functionCall: { callId: 'c1' } };
		const source = codeNodeSource('Return', code, readReturnCode(code));
		for (const [index, binary] of [[0, undefined], [3, { data: { mimeType: 'text/plain' } }]] as const) {
			const output = runCodeNode(source, json, index, binary);
			expect(output.json.returnValue).toEqual(oldEval(code, json, index, binary));
			expect(output.json._functionCall).toEqual({ callId: 'c1' });
		}
	});

	it("gives the old method's loop variables only to code that reads them", () => {
		const code = 'return items.length * 10 + itemIndex + (item.json.n === $json.n ? 1000 : 0)';
		const source = codeNodeSource('Return', code, readReturnCode(code));
		expect(source).toContain('(function ($json, $binary, $index, $item, items, item, itemIndex) {');
		expect(runCodeNode(source, { n: 1 }, 2).json.returnValue).toBe(10 + 2 + 1000);
		expect(codeNodeSource('Return', 'return 1', readReturnCode('return 1'))).toContain('(function ($json, $binary, $index, $item) {');
	});
});
