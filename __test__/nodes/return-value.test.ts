import { answerOutput, answeredCall } from '../../nodes/ReturnFromFunction/answer-output';
import { contextFromTriggers } from '../../nodes/ReturnFromFunction/call-context-lookup';
import { assertReturnable, valueFromIncomingItems, valueFromJsonParameter } from '../../nodes/ReturnFromFunction/return-value';
import { toItemContext } from '../../nodes/shared/call-context';
import { callContext } from './fixtures';

const context = callContext();

describe('returning the incoming items', () => {
	it('returns one item as its fields, without the call context', () => {
		expect(valueFromIncomingItems([{ json: { sum: 5, _functionCall: context } }])).toEqual({ sum: 5 });
	});

	it('returns several items as a list of their fields', () => {
		expect(
			valueFromIncomingItems([{ json: { n: 1, _functionCall: context } }, { json: { n: 2, _functionCall: context } }]),
		).toEqual([{ n: 1 }, { n: 2 }]);
	});
});

describe('returning a JSON value', () => {
	it("takes an expression's result as it is, without a call context", () => {
		expect(valueFromJsonParameter({ sum: 5 }, true)).toEqual({ sum: 5 });
		expect(valueFromJsonParameter({ a: 1, _functionCall: context }, true)).toEqual({ a: 1 });
		expect(valueFromJsonParameter(7, true)).toBe(7);
		expect(valueFromJsonParameter(undefined, true)).toBeNull();
	});

	it('parses JSON typed in the field', () => {
		expect(valueFromJsonParameter('{\n  "ok": true\n}', false)).toEqual({ ok: true });
		expect(valueFromJsonParameter('"text"', false)).toBe('text');
	});

	it("keeps an expression's text result that is not JSON", () => {
		expect(valueFromJsonParameter('hello', true)).toBe('hello');
	});

	it('refuses invalid JSON typed in the field', () => {
		expect(() => valueFromJsonParameter('{ok: true}', false)).toThrow('"JSON Value" is not valid JSON');
	});

	it('refuses NaN or Infinity, saying where, since JSON cannot carry them', () => {
		expect(() => assertReturnable({ sum: NaN })).toThrow('The value to return contains NaN or Infinity at sum');
		expect(() => assertReturnable(Infinity)).toThrow(/at \(the value itself\)/);
		expect(assertReturnable({ sum: 5 })).toEqual({ sum: 5 });
	});
});

describe("Return from Function's own output", () => {
	it('is one item with what was returned and the call it answered, paired with every input item', () => {
		const local = callContext('call-7', 'wfInvoices/formatPrice');
		expect(answerOutput([{ json: { a: 1, _functionCall: local } }, { json: { a: 2 } }], local, { returned: { text: '12.50 EUR' } })).toEqual([
			{
				json: { returned: { text: '12.50 EUR' }, call: { function: 'formatPrice', callId: 'call-7' } },
				pairedItem: [{ item: 0 }, { item: 1 }],
			},
		]);
	});

	it('shows an error handed back as the error', () => {
		expect(answerOutput([{ json: {} }], context, { error: 'Customer 9 not found' })[0].json).toEqual({
			error: 'Customer 9 not found',
			call: { function: 'add', callId: 'call-1' },
		});
	});

	it('names the function of a global call by its name alone', () => {
		expect(answeredCall(callContext('c', '__global__/add'))).toEqual({ function: 'add', callId: 'c' });
	});
});

describe('finding the call when a node in between dropped _functionCall', () => {
	it("reads the first Function trigger upstream that ran in this execution", () => {
		const outputs: Record<string, Record<string, unknown> | undefined> = {
			'other function': undefined,
			add: { a: 1, _functionCall: toItemContext(context) },
		};
		expect(contextFromTriggers(['other function', 'add'], (name) => outputs[name] as never)).toEqual(context);
	});

	it('finds nothing when no trigger output carries a call', () => {
		expect(contextFromTriggers(['add'], () => ({ a: 1 }))).toBeUndefined();
		expect(contextFromTriggers([], () => undefined)).toBeUndefined();
	});
});
