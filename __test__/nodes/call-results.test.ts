import type { INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { placementOf, timeoutMsOf } from '../../nodes/CallFunction/call-options';
import { errorItem, outputForBatch, outputForItem, valueToJsonItems } from '../../nodes/CallFunction/result-items';
import { itemContext } from './fixtures';

const outputItems = { kind: 'outputItems' } as const;
const intoResult = { kind: 'field', field: 'result' } as const;

describe('a returned value as output items', () => {
	it('gives one item per array element, one item for an object, {value} for anything else', () => {
		expect(valueToJsonItems([{ a: 1 }, { a: 2 }])).toEqual([{ a: 1 }, { a: 2 }]);
		expect(valueToJsonItems({ sum: 5 })).toEqual([{ sum: 5 }]);
		expect(valueToJsonItems(5)).toEqual([{ value: 5 }]);
		expect(valueToJsonItems('ok')).toEqual([{ value: 'ok' }]);
		expect(valueToJsonItems(null)).toEqual([{ value: null }]);
		expect(valueToJsonItems([1, { a: 1 }])).toEqual([{ value: 1 }, { a: 1 }]);
		expect(valueToJsonItems([])).toEqual([]);
	});

	it("pairs every output item with its input item and drops the callee's call context", () => {
		const input: INodeExecutionData = { json: { q: 1 } };
		const inner = itemContext('inner');
		expect(outputForItem(input, 4, [{ r: 1, _functionCall: inner }, { r: 2 }], outputItems)).toEqual([
			{ json: { r: 1 }, pairedItem: { item: 4 } },
			{ json: { r: 2 }, pairedItem: { item: 4 } },
		]);
	});

	it("copies the outer call's context of the input item onto the output (nested calls)", () => {
		const outer = itemContext('outer');
		const input: INodeExecutionData = { json: { q: 1, _functionCall: outer } };
		const [output] = outputForItem(input, 0, { sum: 5, _functionCall: itemContext('inner') }, outputItems);
		expect(output.json).toEqual({ sum: 5, _functionCall: outer });
	});
});

describe('a returned value merged into the input item', () => {
	it('sets the field, keeps the other fields, binary data and the outer call context', () => {
		const outer = itemContext('outer');
		const binary = { file: { data: 'AA==', mimeType: 'text/plain' } };
		const input: INodeExecutionData = { json: { id: 7, _functionCall: outer }, binary };
		expect(outputForItem(input, 2, { sum: 5, _functionCall: itemContext('inner') }, intoResult)).toEqual([
			{ json: { id: 7, _functionCall: outer, result: { sum: 5 } }, binary, pairedItem: { item: 2 } },
		]);
	});
});

describe('a returned value put nowhere', () => {
	const nowhere = { kind: 'nowhere' } as const;

	it('passes the input item through unchanged, binary data and outer call context included', () => {
		const outer = itemContext('outer');
		const binary = { file: { data: 'AA==', mimeType: 'text/plain' } };
		const input: INodeExecutionData = { json: { id: 7, _functionCall: outer }, binary };
		expect(outputForItem(input, 2, { sum: 5 }, nowhere)).toEqual([{ json: { id: 7, _functionCall: outer }, binary, pairedItem: { item: 2 } }]);
	});

	it('passes every input item through after one call with all items', () => {
		const inputs: INodeExecutionData[] = [{ json: { n: 1 } }, { json: { n: 2 } }];
		expect(outputForBatch(inputs, [{ r: 'a' }], nowhere)).toEqual([
			{ json: { n: 1 }, pairedItem: { item: 0 } },
			{ json: { n: 2 }, pairedItem: { item: 1 } },
		]);
	});
});

describe('the output of one call with all items', () => {
	const inputs: INodeExecutionData[] = [{ json: { n: 1 } }, { json: { n: 2 } }];

	it('pairs element i with item i when the function returns one element per item', () => {
		expect(outputForBatch(inputs, [{ r: 'a' }, { r: 'b' }], outputItems)).toEqual([
			{ json: { r: 'a' }, pairedItem: { item: 0 } },
			{ json: { r: 'b' }, pairedItem: { item: 1 } },
		]);
	});

	it('pairs with all inputs otherwise', () => {
		expect(outputForBatch(inputs, { total: 3 }, outputItems)).toEqual([
			{ json: { total: 3 }, pairedItem: [{ item: 0 }, { item: 1 }] },
		]);
	});

	it('puts the whole value into every input item in field mode', () => {
		expect(outputForBatch(inputs, [1, 2], intoResult).map((item) => item.json)).toEqual([
			{ n: 1, result: [1, 2] },
			{ n: 2, result: [1, 2] },
		]);
	});
});

describe('continue on fail', () => {
	it('gives {error} paired with the failed item, keeping the outer call context', () => {
		const node = { id: '1', name: 'Call Function', type: 't', typeVersion: 1, position: [0, 0], parameters: {} } as never;
		const error = new NodeOperationError(node, 'no answer');
		const outer = itemContext('outer');
		expect(errorItem({ json: { _functionCall: outer } }, 3, error)).toEqual({
			json: { error: 'no answer', _functionCall: outer },
			error,
			pairedItem: { item: 3 },
		});
	});
});

describe('Call Function options', () => {
	it('default to output items and 30 seconds', () => {
		expect(placementOf({})).toEqual({ kind: 'outputItems' });
		expect(timeoutMsOf({})).toBe(30_000);
	});

	it('put the result into "result" unless another field is named', () => {
		expect(placementOf({ putResultIn: 'field' })).toEqual({ kind: 'field', field: 'result' });
		expect(placementOf({ putResultIn: 'field', resultField: ' sum ' })).toEqual({ kind: 'field', field: 'sum' });
	});

	it('put the result nowhere when asked', () => {
		expect(placementOf({ putResultIn: 'nowhere', resultField: 'sum' })).toEqual({ kind: 'nowhere' });
	});

	it('refuse a timeout that is not a positive number', () => {
		expect(timeoutMsOf({ timeout: 2.5 })).toBe(2500);
		expect(() => timeoutMsOf({ timeout: 0 })).toThrow(/Timeout must be a positive number/);
		expect(() => timeoutMsOf({ timeout: Number.NaN })).toThrow(/Timeout must be a positive number/);
	});
});
