import { argumentsFromFields, argumentsFromJson, assertSendable, toDeclaredType } from '../../nodes/caller/arguments';
import { callContext } from './fixtures';

describe('values converted to the declared parameter type', () => {
	it('turns text from the editor into numbers, booleans, objects and arrays', () => {
		expect(toDeclaredType('a', '2', 'number')).toBe(2);
		expect(toDeclaredType('a', ' -1.5 ', 'number')).toBe(-1.5);
		expect(toDeclaredType('f', 'True', 'boolean')).toBe(true);
		expect(toDeclaredType('o', '{"k":1}', 'object')).toEqual({ k: 1 });
		expect(toDeclaredType('l', '[1,2]', 'array')).toEqual([1, 2]);
		expect(toDeclaredType('s', 42, 'string')).toBe('42');
	});

	it('keeps values that already fit, and anything for "any"', () => {
		const object = { k: 1 };
		expect(toDeclaredType('o', object, 'object')).toBe(object);
		expect(toDeclaredType('x', '2', undefined)).toBe('2');
	});

	it('fails naming the parameter and what it expects', () => {
		expect(() => toDeclaredType('a', 'two', 'number')).toThrow('Parameter "a" expects a number, but got the text "two"');
		expect(() => toDeclaredType('a', '', 'number')).toThrow(/"a" expects a number/);
		expect(() => toDeclaredType('f', 'yes', 'boolean')).toThrow(/"f" expects a boolean/);
		expect(() => toDeclaredType('o', '[1]', 'object')).toThrow(/"o" expects an object, but got the text/);
		expect(() => toDeclaredType('l', { a: 1 }, 'array')).toThrow(/"l" expects an array, but got an object/);
		expect(() => toDeclaredType('s', { a: 1 }, 'string')).toThrow(/"s" expects a string/);
	});
});

describe('arguments from the Parameters fields', () => {
	const schema = [
		{ id: 'a', type: 'number' },
		{ id: 'b', type: 'number' },
		{ id: 'note', type: 'string' },
		{ id: 'anything' },
	];

	it('converts per schema and leaves empty fields out so defaults apply', () => {
		expect(argumentsFromFields({ a: '2', b: null, note: '', anything: 'x' }, schema)).toEqual({ a: 2, anything: 'x' });
	});

	it('is empty when the function has no parameters', () => {
		expect(argumentsFromFields(null, null)).toEqual({});
	});

	it('never passes a call context as an argument', () => {
		expect(argumentsFromFields({ a: 1, _functionCall: callContext() }, schema)).toEqual({ a: 1 });
	});
});

describe('arguments from Parameters (JSON)', () => {
	it('takes an object from an expression as it is, minus any call context', () => {
		expect(argumentsFromJson({ a: 2, b: 3, _functionCall: callContext() })).toEqual({ a: 2, b: 3 });
	});

	it('parses JSON text and treats empty text as no arguments', () => {
		expect(argumentsFromJson('{"a": 2}')).toEqual({ a: 2 });
		expect(argumentsFromJson('  ')).toEqual({});
	});

	it('refuses invalid JSON and non-objects with what to write instead', () => {
		expect(() => argumentsFromJson('{a: 2')).toThrow('"Parameters (JSON)" is not valid JSON');
		expect(() => argumentsFromJson('[1, 2]')).toThrow('"Parameters (JSON)" must be an object, but is an array');
		expect(() => argumentsFromJson(5)).toThrow(/must be an object, but is number 5/);
	});
});

describe('arguments that JSON cannot carry', () => {
	it('refuses NaN and Infinity naming the parameter, even deep inside', () => {
		expect(() => assertSendable({ a: Number('x'), b: 3 })).toThrow('Parameter "a" is not a valid number (NaN or Infinity at a)');
		expect(() => assertSendable({ order: { lines: [{ qty: 1 }, { qty: Infinity }] } })).toThrow(
			/Parameter "order" is not a valid number \(NaN or Infinity at order\.lines\[1\]\.qty\)/,
		);
	});

	it('passes ordinary arguments through', () => {
		const args = { a: 1, b: [1.5, { c: null }], d: 'NaN' };
		expect(assertSendable(args)).toBe(args);
	});
});
