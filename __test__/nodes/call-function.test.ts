/**
 * Call Function against the real addon (memory backend): its output once a Function trigger
 * emitted the call and Return from Function answered it.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import type { CallContext } from '../../nodes/shared/addon-types';
import { readCallContext } from '../../nodes/shared/call-context';
import { itemContext } from './fixtures';
import {
	ADD_PARAMETERS,
	CALLER,
	GLOBAL,
	callFunction,
	finish,
	functions,
	outcome,
	returnFromFunction,
	run,
	type RunningFunction,
	startFunction,
	sums,
	useBackend,
} from './n8n-context';

useBackend('memory');

/** The call an item carries, as the addon reads it. */
function contextOf(item: INodeExecutionData): CallContext {
	return readCallContext(item.json)!;
}

/** The deadline is the call's timeout after it was sent (within a generous second). */
function expectDeadline(context: CallContext, timeoutMs: number, sentAfter: number, seenBefore: number): void {
	expect(context.deadline).toBeGreaterThanOrEqual(sentAfter + timeoutMs - 1000);
	expect(context.deadline).toBeLessThanOrEqual(seenBefore + timeoutMs + 1000);
}

/** No call reached the function so far: a call sent now is the first it receives. */
async function expectNoCallYet(add: RunningFunction): Promise<void> {
	expect(add.emissions).toHaveLength(0);
	const marker = functions().call({ caller: CALLER, scope: GLOBAL, name: 'add', items: [{ a: -1 }] });
	const first = await add.emission(0);
	expect(first.items.map((item) => item.json.a)).toEqual([-1]);
	await returnFromFunction({ items: first.items });
	finish(first);
	expect(await marker).toEqual({ a: -1, b: 1 });
	expect(add.emissions).toHaveLength(1);
}

describe('Call Function', () => {
	it('calls once per item at the same time and keeps the input order', async () => {
		const add = await startFunction();
		const items = [{ json: { a: 0 } }, { json: { a: 1 } }];
		const sentAfter = Date.now();
		const output = callFunction({ items, parameters: { parametersJson: (i: number) => ({ a: items[i].json.a, b: 1 }) } });

		// Both calls reach the function before either is answered.
		const emissions = await Promise.all([add.emission(0), add.emission(1)]);
		const seenBefore = Date.now();
		const [first, second] = emissions.sort((x, y) => (x.items[0].json.a as number) - (y.items[0].json.a as number));
		expect(first.items).toEqual([{ json: { a: 0, b: 1, _functionCall: expect.objectContaining({ function: '__global__/add' }) } }]);
		expect(second.items).toEqual([{ json: { a: 1, b: 1, _functionCall: expect.objectContaining({ function: '__global__/add' }) } }]);
		expectDeadline(contextOf(first.items[0]), 30_000, sentAfter, seenBefore);

		// The second item's call is answered first.
		await returnFromFunction({ items: sums(second.items) });
		finish(second);
		await returnFromFunction({ items: sums(first.items) });
		finish(first);
		expect(await output).toEqual([
			{ json: { sum: 1 }, pairedItem: { item: 0 } },
			{ json: { sum: 2 }, pairedItem: { item: 1 } },
		]);
	});

	it('calls a function of this workflow under its id', async () => {
		const workflow = { id: 'wfMe', name: 'Current' };
		const helper = await startFunction({
			workflow,
			nodeName: 'helper',
			parameters: { functionName: 'helper', scope: 'local', 'parameters.parameter': [] },
		});
		const output = callFunction({ items: [{ json: {} }], workflow, parameters: { workflow: '__this__', function: 'helper', parametersJson: {} } });
		const emission = await helper.emission();
		expect(contextOf(emission.items[0]).function).toBe('wfMe/helper');
		await returnFromFunction({ items: emission.items, parameters: { respondWith: 'jsonValue', value: 1 } });
		finish(emission);
		expect(await output).toEqual([{ json: { value: 1 }, pairedItem: { item: 0 } }]);
	});

	it('sends no call at all when one item has a wrong parameter', async () => {
		const add = await startFunction();
		const failed = callFunction({
			items: [{ json: {} }, { json: {} }],
			parameters: {
				parametersMode: 'fields',
				'arguments.value': (i: number) => ({ a: i === 0 ? '1' : 'two' }),
				'arguments.schema': [{ id: 'a', type: 'number' }],
			},
		});
		await expect(failed).rejects.toThrow('Parameter "a" expects a number, but got the text "two"');
		await expectNoCallYet(add);
	});

	it('refuses NaN from an expression before calling, naming the parameter', async () => {
		const add = await startFunction();
		const failed = callFunction({ items: [{ json: { query: { a: 'x' } } }], parameters: { parametersJson: { a: Number('x'), b: 3 } } });
		await expect(failed).rejects.toThrow('Parameter "a" is not a valid number');
		await expectNoCallYet(add);
	});

	it('with continue on fail, outputs the error for the failed item only', async () => {
		// One attempt: the failed execution answers its call instead of running it again.
		const add = await startFunction({ parameters: { ...ADD_PARAMETERS, options: { maxAttempts: 1 } } });
		const outer = itemContext('outer');
		const items = [{ json: { a: 0 } }, { json: { a: 1, _functionCall: outer } }];
		const output = callFunction({ items, continueOnFail: true, parameters: { parametersJson: (i: number) => ({ a: items[i].json.a }) } });

		for (const emission of await Promise.all([add.emission(0), add.emission(1)])) {
			if (emission.items[0].json.a === 0) {
				await returnFromFunction({ items: emission.items, parameters: { respondWith: 'jsonValue', value: { ok: true } } });
				finish(emission);
			} else {
				// The function's execution fails in its node "Code", before Return from Function.
				finish(emission, run('error', { message: 'division by zero', node: 'Code' }));
			}
		}
		const [ok, failed] = await output;
		expect(ok).toEqual({ json: { ok: true }, pairedItem: { item: 0 } });
		expect(failed.json).toEqual({ error: `Function 'add' failed: division by zero (node "Code")`, _functionCall: outer });
		expect(failed.pairedItem).toEqual({ item: 1 });
		expect(failed.error?.description).toMatch(/function's executions/);
	});

	it('fails the node with what to do when no Function trigger runs the function', async () => {
		const add = await startFunction();
		await add.close();
		const stopped = await outcome(callFunction({ items: [{ json: {} }], parameters: { parametersJson: { a: 1 }, options: { timeout: 0.3 } } }));
		expect(stopped).toMatchObject({
			error: {
				message: expect.stringContaining("no running Function trigger took the call. Check that workflow 'Math' (id wfMath) is active"),
				description: expect.stringMatching(/Raise Timeout/),
			},
		});

		const unknown = await outcome(callFunction({ items: [{ json: {} }], parameters: { function: 'sub', parametersJson: {} } }));
		expect(unknown).toMatchObject({
			error: {
				message: expect.stringContaining("No global function 'sub' is defined (global functions: 'add')"),
				description: expect.stringMatching(/activate the workflow that defines it/),
			},
		});
	});

	it('makes one call with all argument sets in "once" mode', async () => {
		const add = await startFunction();
		const items = [{ json: { a: 1 } }, { json: { a: 2 } }];
		const output = callFunction({ items, parameters: { mode: 'once', parametersJson: (i: number) => ({ a: items[i].json.a }) } });
		const emission = await add.emission();
		expect(emission.items.map((item) => item.json.a)).toEqual([1, 2]);
		expect(contextOf(emission.items[1])).toEqual(contextOf(emission.items[0]));
		await returnFromFunction({
			items: emission.items.map(({ json }) => ({ json: { r: (json.a as number) * 10, _functionCall: json._functionCall } })),
		});
		finish(emission);
		expect(await output).toEqual([
			{ json: { r: 10 }, pairedItem: { item: 0 } },
			{ json: { r: 20 }, pairedItem: { item: 1 } },
		]);
		expect(add.emissions).toHaveLength(1);
	});

	it('puts the value into a field of the input item and honours the timeout', async () => {
		const add = await startFunction();
		const sentAfter = Date.now();
		const output = callFunction({
			items: [{ json: { id: 1 } }],
			parameters: { parametersJson: { a: 2, b: 3 }, options: { putResultIn: 'field', resultField: 'sum', timeout: 2 } },
		});
		const emission = await add.emission();
		expectDeadline(contextOf(emission.items[0]), 2000, sentAfter, Date.now());
		await returnFromFunction({ items: emission.items, parameters: { respondWith: 'jsonValue', value: 5 } });
		finish(emission);
		expect(await output).toEqual([{ json: { id: 1, sum: 5 }, pairedItem: { item: 0 } }]);
	});

	it('passes the input item through unchanged when the result is put nowhere, once the function returned', async () => {
		const add = await startFunction();
		const output = callFunction({ items: [{ json: { id: 1 } }], parameters: { parametersJson: { a: 2, b: 3 }, options: { putResultIn: 'nowhere' } } });
		const emission = await add.emission();
		await returnFromFunction({ items: emission.items, parameters: { respondWith: 'jsonValue', value: 5 } });
		finish(emission);
		expect(await output).toEqual([{ json: { id: 1 }, pairedItem: { item: 0 } }]);
	});

	it('gives up when the function does not return within the timeout', async () => {
		const add = await startFunction();
		const late = await outcome(callFunction({ items: [{ json: {} }], parameters: { parametersJson: { a: 1 }, options: { timeout: 0.3 } } }));
		expect(late).toMatchObject({
			error: { message: expect.stringContaining('did not answer within 0.3 s: a Function trigger took the call') },
		});
		// The function's execution goes on and reaches Return from Function too late: it says so.
		const emission = await add.emission();
		const tooLate = await outcome(returnFromFunction({ items: emission.items }));
		expect(tooLate).toMatchObject({
			error: {
				message:
					"This call's caller stopped waiting before this Return from Function: its timeout passed, so this answer was not delivered",
				description: expect.stringContaining('Raise Timeout'),
			},
		});
		finish(emission);
	});

	it("names this workflow by its name when it defines no such function", async () => {
		const missing = await outcome(callFunction({ items: [{ json: {} }], parameters: { workflow: 'wfCaller', function: 'nope', parametersJson: {} } }));
		expect(missing).toMatchObject({
			error: { message: expect.stringContaining("No function 'nope' is defined in workflow 'Caller' (id wfCaller) (none is defined there yet)") },
		});
	});

	it('with continue on fail, a timeout that is no number gives every item its error', async () => {
		const items = [{ json: { a: 1 } }, { json: { a: 2 } }];
		const output = await callFunction({ items, continueOnFail: true, parameters: { parametersJson: { a: 1 }, options: { timeout: 'abc' } } });
		expect(output.map((item) => item.json)).toEqual([
			{ error: 'Timeout must be a positive number of seconds, not "abc"' },
			{ error: 'Timeout must be a positive number of seconds, not "abc"' },
		]);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});
});
