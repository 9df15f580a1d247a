/**
 * Return from Function against the real addon (memory backend): what the Call Function node
 * that made the call outputs once Return from Function answered, and the node's own output.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { type Emission, callFunction, finish, outcome, returnFromFunction, startFunction, useBackend } from './n8n-context';

useBackend('memory');

/** Calls "add" from a Call Function node; resolves with the emitted call and the caller's outcome. */
async function callAdd(args: Record<string, unknown>) {
	const add = await startFunction();
	const caller = outcome(callFunction({ items: [{ json: { id: 7 } }], parameters: { parametersJson: args } }));
	const emission = await add.emission();
	return { emission, caller };
}

/** The Call Function output once the function's execution ended. */
async function callerOutput(emission: Emission, caller: Promise<unknown>) {
	finish(emission);
	return await caller;
}

describe('Return from Function', () => {
	it('returns the incoming item without the call context, and outputs what it returned to which call', async () => {
		const { emission, caller } = await callAdd({ a: 2, b: 3 });
		const context = emission.items[0].json._functionCall as { callId: string };
		const items: INodeExecutionData[] = [{ json: { sum: 5, _functionCall: context } }];
		expect(await returnFromFunction({ items })).toEqual([
			{ json: { returned: { sum: 5 }, call: { function: 'add', callId: context.callId } }, pairedItem: [{ item: 0 }] },
		]);
		expect(await callerOutput(emission, caller)).toEqual({ value: [{ json: { sum: 5 }, pairedItem: { item: 0 } }] });
	});

	it('returns the JSON value an expression computed', async () => {
		const { emission, caller } = await callAdd({ a: 2, b: 3 });
		await returnFromFunction({
			items: emission.items,
			parameters: { respondWith: 'jsonValue', value: { sum: 5 } },
			rawValue: '={{ { sum: $json.a + $json.b } }}',
		});
		expect(await callerOutput(emission, caller)).toEqual({ value: [{ json: { sum: 5 }, pairedItem: { item: 0 } }] });
	});

	it('hands an error back to the caller', async () => {
		const { emission, caller } = await callAdd({ a: 9 });
		const output = await returnFromFunction({
			items: emission.items,
			parameters: { respondWith: 'error', errorMessage: 'Customer 9 not found' },
		});
		expect(output).toEqual([
			{ json: { error: 'Customer 9 not found', call: { function: 'add', callId: expect.any(String) } }, pairedItem: [{ item: 0 }] },
		]);
		expect(await callerOutput(emission, caller)).toMatchObject({
			error: { message: "Function 'add' failed: Customer 9 not found", description: expect.stringMatching(/function's executions/) },
		});
	});

	it('finds the call on the Function trigger when a node in between dropped _functionCall', async () => {
		const { emission, caller } = await callAdd({ a: 1, b: 2 });
		await returnFromFunction({
			items: [{ json: { total: 3 } }],
			triggers: { 'not run': undefined, add: emission.items[0] },
		});
		expect(await callerOutput(emission, caller)).toEqual({ value: [{ json: { total: 3 }, pairedItem: { item: 0 } }] });
	});

	it('says where it belongs when there is no call to return from, and answers nothing', async () => {
		const { emission, caller } = await callAdd({ a: 1 });
		await expect(returnFromFunction({ items: [{ json: { a: 1 } }] })).rejects.toThrow(/must come after a Function trigger/);
		// The call is still open: a Return from Function that finds it answers it.
		await returnFromFunction({ items: [{ json: { late: true } }], triggers: { add: emission.items[0] } });
		expect(await callerOutput(emission, caller)).toEqual({ value: [{ json: { late: true }, pairedItem: { item: 0 } }] });
	});

	it('fails when the call was already answered; the caller keeps the first value', async () => {
		const { emission, caller } = await callAdd({ a: 1, b: 1 });
		await returnFromFunction({ items: emission.items, parameters: { respondWith: 'jsonValue', value: 'first' }, rawValue: '={{ "first" }}' });
		const second = returnFromFunction({ items: emission.items, parameters: { respondWith: 'error', errorMessage: 'second' } });
		await expect(second).rejects.toMatchObject({
			message: 'This call was already answered; only the first Return from Function counts',
			description: expect.stringMatching(/at most one Return from Function/),
		});
		expect(await callerOutput(emission, caller)).toEqual({ value: [{ json: { value: 'first' }, pairedItem: { item: 0 } }] });
	});

	it('with continue on fail, outputs the refusal instead of failing', async () => {
		const { emission, caller } = await callAdd({ a: 1, b: 1 });
		await returnFromFunction({ items: emission.items });
		const output = await returnFromFunction({ items: emission.items, continueOnFail: true });
		expect(output).toHaveLength(1);
		expect(output[0].json).toEqual({ error: 'This call was already answered; only the first Return from Function counts' });
		expect(output[0].pairedItem).toEqual({ item: 0 });
		expect(await callerOutput(emission, caller)).toEqual({ value: [{ json: { a: 1, b: 1 }, pairedItem: { item: 0 } }] });
	});
});
