/**
 * The three nodes together through each backend of the real addon: a Function trigger
 * serves, Call Function calls, Return from Function answers. Redis at REDIS_URL (default
 * redis://127.0.0.1:6379).
 */
import {
	ADD_PARAMETERS,
	type RunningFunction,
	callFunction,
	finish,
	functions,
	outcome,
	returnFromFunction,
	run,
	startFunction,
	sums,
	useBackend,
} from './n8n-context';

/** Runs the function's workflow for every call: Edit Fields (sum), then Return from Function. */
function serveSums(add: RunningFunction): void {
	void (async () => {
		for (let index = 0; ; index++) {
			const emission = await add.emission(index);
			void returnFromFunction({ items: sums(emission.items) }).then(() => finish(emission));
		}
	})();
}

describe.each(['memory', 'redis'] as const)('through the %s backend', (backend) => {
	useBackend(backend);

	it('uses the backend it was given', () => {
		expect(functions().backend).toBe(backend);
	});

	it("Call Function outputs, in input order, what each call's Return from Function answered", async () => {
		const add = await startFunction();
		serveSums(add);
		const items = [{ json: { a: 1, b: 2 } }, { json: { a: 10 } }, { json: { a: -4, b: 4 } }];
		const output = await callFunction({ items, parameters: { parametersJson: (i: number) => items[i].json } });
		expect(output).toEqual([
			{ json: { sum: 3 }, pairedItem: { item: 0 } },
			{ json: { sum: 11 }, pairedItem: { item: 1 } },
			{ json: { sum: 0 }, pairedItem: { item: 2 } },
		]);
		expect(add.emissions).toHaveLength(3);
	});

	it('calls once with all items and pairs the returned array with them', async () => {
		const add = await startFunction();
		serveSums(add);
		const items = [{ json: { a: 1, b: 1 } }, { json: { a: 2, b: 2 } }];
		const output = await callFunction({ items, parameters: { mode: 'once', parametersJson: (i: number) => items[i].json } });
		expect(output).toEqual([
			{ json: { sum: 2 }, pairedItem: { item: 0 } },
			{ json: { sum: 4 }, pairedItem: { item: 1 } },
		]);
		expect(add.emissions).toHaveLength(1);
	});

	it('runs a failed execution again up to Max Attempts, then fails the call with its error', async () => {
		const add = await startFunction({ parameters: { ...ADD_PARAMETERS, options: { maxAttempts: 2 } } });
		const caller = outcome(callFunction({ items: [{ json: {} }], parameters: { parametersJson: { a: 1 }, options: { timeout: 20 } } }));
		finish(await add.emission(), run('error', { message: 'division by zero', node: 'Code' }));
		const second = await add.emission(1);
		const callIdOf = (emission: typeof second) => (emission.items[0].json._functionCall as { callId: string }).callId;
		expect(callIdOf(second)).toBe(callIdOf(add.emissions[0]));
		finish(second, run('error', { message: 'division by zero', node: 'Code' }));
		expect(await caller).toMatchObject({
			error: {
				message: `Function 'add' failed: division by zero (node "Code") (it failed 2 times${backend === 'redis' ? '; the call was moved to the dead letters' : ''})`,
				description: expect.stringMatching(/function's executions/),
			},
		});
	});

	it('refuses a second Return from Function; the caller keeps the first answer', async () => {
		const add = await startFunction();
		const caller = callFunction({ items: [{ json: {} }], parameters: { parametersJson: { a: 1, b: 2 } } });
		const emission = await add.emission();
		await returnFromFunction({ items: sums(emission.items) });
		await expect(returnFromFunction({ items: emission.items })).rejects.toThrow('This call was already answered');
		finish(emission);
		expect(await caller).toEqual([{ json: { sum: 3 }, pairedItem: { item: 0 } }]);
	});
});
