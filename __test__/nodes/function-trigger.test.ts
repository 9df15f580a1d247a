/**
 * The Function trigger against the real addon (memory backend): what it registers, what it
 * emits for a call, and how the end of an execution reaches the caller.
 */
import { itemsOfCall } from '../../nodes/shared/items-of-call';
import type { CallContext } from '../../nodes/shared/addon-types';
import {
	ADD_PARAMETERS,
	CALLER,
	GLOBAL,
	RETURN_TYPE,
	finish,
	functions,
	functionStep,
	node,
	outcome,
	returnFromFunction,
	startFunction,
	useBackend,
} from './n8n-context';

useBackend('memory');

const ENDED_WITHOUT_RETURN = "Function 'add' failed: its execution ended without reaching a Return from Function node";

describe('the Function trigger', () => {
	it('registers the function described by its parameters until it is closed', async () => {
		const add = await startFunction();
		const info = await functions().describe(GLOBAL, 'add');
		expect(info).toMatchObject({
			key: '__global__/add',
			name: 'add',
			scope: GLOBAL,
			description: 'Adds two numbers',
			workflowId: 'wfMath',
			workflowName: 'Math',
			nodeName: 'add',
			live: true,
		});
		expect(info?.parameters).toEqual([
			{ name: 'a', type: 'number', required: true, description: '' },
			{ name: 'b', type: 'number', required: false, default: 1, description: '' },
		]);

		await add.close();
		expect(await functions().describe(GLOBAL, 'add')).toMatchObject({ live: false });
		const unserved = await outcome(functions().call({ caller: CALLER, scope: GLOBAL, name: 'add', items: [{ a: 1 }], timeoutMs: 300 }));
		expect(unserved).toMatchObject({ error: { message: expect.stringContaining('no running Function trigger took the call') } });
		expect(add.emissions).toHaveLength(0);
	});

	it("logs through n8n's logger: serving and stopping at info, each call at debug", async () => {
		const lines: Array<[string, string]> = [];
		const record = (level: string) => (message?: string) => void lines.push([level, String(message)]);
		const logger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
		const add = await startFunction({ logger });
		const call = functions().call({ caller: CALLER, scope: GLOBAL, name: 'add', items: [{ a: 1 }], timeoutMs: 20_000 });
		const emission = await add.emission();
		const context = emission.items[0].json._functionCall as unknown as CallContext;
		await returnFromFunction({ items: emission.items, parameters: { respondWith: 'jsonValue', value: 2 } });
		await call;
		await add.close();

		expect(lines.filter(([level]) => level === 'info').map(([, message]) => message)).toEqual([
			'Function "__global__/add" is served (memory: memory (in this n8n process))',
			'Function of node "add" stopped (deactivated)',
		]);
		expect(lines).toContainEqual(['debug', `Call ${context.callId} of __global__/add received (attempt 1)`]);
		expect(lines.filter(([level]) => level === 'warn' || level === 'error')).toEqual([]);
	});

	it('starts one execution per call, each item carrying the call, and reports its end', async () => {
		const add = await startFunction();
		const call = outcome(functions().call({ caller: CALLER, scope: GLOBAL, name: 'add', items: [{ a: 1, b: 2 }, { a: 3 }], timeoutMs: 20_000 }));
		const emission = await add.emission();
		const context = emission.items[0].json._functionCall as unknown as CallContext;
		expect(context).toMatchObject({ function: '__global__/add', callId: expect.any(String), deadline: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
		expect(emission.items).toEqual([
			{ json: { a: 1, b: 2, _functionCall: context } },
			{ json: { a: 3, b: 1, _functionCall: context } },
		]);

		// The execution runs on: the call waits for it.
		let settled = false;
		void call.then(() => (settled = true));
		await functions().describe(GLOBAL, 'add');
		expect(settled).toBe(false);

		// It ends without reaching Return from Function: the caller hears so at once, long before its timeout.
		finish(emission);
		expect(await call).toMatchObject({ error: { message: ENDED_WITHOUT_RETURN } });

		const second = functions().call({ caller: CALLER, scope: GLOBAL, name: 'add', items: [{ a: 5 }] });
		const next = await add.emission(1);
		expect(next.items).toEqual([{ json: { a: 5, b: 1, _functionCall: expect.objectContaining({ function: '__global__/add' }) } }]);
		expect((next.items[0].json._functionCall as unknown as CallContext).callId).not.toBe(context.callId);
		await returnFromFunction({ items: next.items });
		finish(next);
		expect(await second).toEqual({ a: 5, b: 1 });
	});

	it('closed while n8n keeps running (its workflow deactivated): calls fail at once, saying so', async () => {
		const add = await startFunction();
		await add.close();
		// n8n closes and starts a trigger again when the workflow is published anew: only a
		// trigger still closed a heartbeat (2 s) later means the workflow was deactivated.
		await new Promise((resolve) => setTimeout(resolve, 2300));
		const started = Date.now();
		const call = await outcome(functions().call({ caller: CALLER, scope: GLOBAL, name: 'add', items: [{ a: 1 }], timeoutMs: 20_000 }));
		expect(call).toMatchObject({
			error: { message: "The global function 'add' is not active: its workflow 'Math' (id wfMath) was deactivated. Activate it and call again." },
		});
		expect(Date.now() - started).toBeLessThan(1000);
	});

	it('refuses the experimental v2 engine, which cannot report execution ends', async () => {
		await expect(startFunction({ engineType: 'v2' })).rejects.toThrow(/experimental execution engine \(v2\)/);
		expect(await functions().describe(GLOBAL, 'add')).toBeNull();
	});

	it('turns an invalid definition into a node error naming the parameter', async () => {
		const invalid = startFunction({ parameters: { 'parameters.parameter': [{ name: 'a', type: 'number', defaultValue: 'x' }] } });
		await expect(invalid).rejects.toThrow('The default of parameter "a" is not a number: "x"');
		expect(await functions().describe(GLOBAL, 'add')).toBeNull();
	});

	it('turns a definition the addon refuses into a node error', async () => {
		await startFunction({ workflow: { id: 'wfOther', name: 'Other' }, nodeName: 'Sum' });
		const clash = startFunction();
		await expect(clash).rejects.toMatchObject({
			message: expect.stringContaining("already defined by node 'Sum' of workflow 'Other' (id wfOther), which is active"),
			description: expect.stringMatching(/Fix the Function trigger's name/),
		});
	});

	it("in the editor's test run, serves the function for one call and hands its items on", async () => {
		const test = functionStep({ mode: 'manual' });
		await functions().describe(GLOBAL, 'add');
		const call = outcome(functions().call({ caller: CALLER, scope: GLOBAL, name: 'add', items: [{ a: 1 }], timeoutMs: 20_000 }));
		const items = await test.output;
		expect(items).toEqual([{ json: { a: 1, b: 1, _functionCall: expect.objectContaining({ function: '__global__/add' }) } }]);
		// The test serves one call only: later calls find no running trigger.
		expect(await functions().describe(GLOBAL, 'add')).toMatchObject({ live: false });

		// The test run ends without Return from Function: the caller hears so at once.
		await Promise.all(test.recorded.onFinish.map((handler) => handler()));
		expect(await call).toMatchObject({ error: { message: ENDED_WITHOUT_RETURN } });
	});

	it("in the editor's test run, the run's Return from Function answers the call", async () => {
		const test = functionStep({ mode: 'manual' });
		await functions().describe(GLOBAL, 'add');
		const call = functions().call({ caller: CALLER, scope: GLOBAL, name: 'add', items: [{ a: 2 }], timeoutMs: 20_000 });
		const items = await test.output;
		await returnFromFunction({ items, parameters: { respondWith: 'jsonValue', value: { tested: true } } });
		await Promise.all(test.recorded.onFinish.map((handler) => handler()));
		expect(await call).toEqual({ tested: true });
	});

	it('first in an execution of a call, claims the call and passes its items on, linked to the caller', async () => {
		const add = await startFunction();
		const parent = { executionId: 'exec7', workflowId: 'wfCaller' };
		const call = functions().call({ caller: CALLER, scope: GLOBAL, name: 'add', items: [{ a: 4 }], parent });
		const emission = await add.emission();
		const step = functionStep({ items: emission.items });
		expect(await step.output).toEqual(emission.items);
		expect(step.recorded.metadata).toEqual({ parentExecution: parent });
		await returnFromFunction({ items: emission.items });
		finish(emission);
		expect(await call).toEqual({ a: 4, b: 1 });
	});

	it('warns, in the function\'s execution, of a path that reaches no Return from Function', async () => {
		const add = await startFunction();
		const call = outcome(functions().call({ caller: CALLER, scope: GLOBAL, name: 'add', items: [{ a: 1 }] }));
		const emission = await add.emission();
		const check = node('Check', 'n8n-nodes-base.if');
		const step = functionStep({
			items: emission.items,
			graph: { add: [check], Check: [node('Return from Function', RETURN_TYPE), node('Log', 'n8n-nodes-base.noOp')] },
		});
		await step.output;
		expect(step.recorded.hints).toEqual([
			expect.objectContaining({ message: expect.stringContaining('The path ending at "Log" reaches no Return from Function') }),
		]);
		const fine = functionStep({ items: emission.items });
		await fine.output;
		expect(fine.recorded.hints).toEqual([]);
		finish(emission);
		await call;
	});

	it('runs a call with the defaults of the workflow version that runs it, published after the call was checked', async () => {
		const add = await startFunction();
		const call = outcome(functions().call({ caller: CALLER, scope: GLOBAL, name: 'add', items: [{ a: 1 }] }));
		const emission = await add.emission();
		const republished = {
			...ADD_PARAMETERS,
			parameters: {
				parameter: [...ADD_PARAMETERS['parameters.parameter'], { name: 'unit', type: 'string', defaultValue: 'cm' }],
			},
		};
		const step = functionStep({ items: emission.items, runningParameters: republished });
		expect((await step.output).map((item) => item.json)).toEqual([
			{ a: 1, b: 1, unit: 'cm', _functionCall: emission.items[0].json._functionCall },
		]);

		const required = { ...republished, parameters: { parameter: [{ name: 'a', type: 'number', required: true }, { name: 'id', type: 'string', required: true }] } };
		await expect(functionStep({ items: emission.items, runningParameters: required }).output).rejects.toThrow(
			'The function "add" changed while the call waited: its parameter "id" is now required',
		);
		finish(emission);
		await call;
	});

	it("runs nothing for a call its caller took back to run itself, and says so", async () => {
		const add = await startFunction();
		// The caller waits 100 ms for an execution to start its call, then runs it itself.
		const outgoing = functions().begin({ caller: CALLER, scope: GLOBAL, name: 'add', items: [{ a: 6 }] }, { remoteLimit: 10, slot: 'exec1', takeBackAfterMs: 100 });
		const taken = await outgoing.next();
		expect(taken).toMatchObject({ done: false, workflowId: 'wfMath', startNode: expect.objectContaining({ name: 'add' }) });

		// The trigger's execution gets a worker slot only now.
		const late = functionStep({ items: (await add.emission()).items });
		expect(await late.output).toEqual([]);
		expect(late.recorded.hints).toEqual([expect.objectContaining({ message: expect.stringContaining('its caller ran it in its own process') })]);

		// The caller's own run: the Function node starts it, Return from Function answers it.
		const own = functionStep({ items: itemsOfCall(taken.run!), mode: 'integrated' });
		const ownItems = await own.output;
		expect(ownItems).toHaveLength(1);
		expect(own.recorded.metadata).toEqual({});
		await returnFromFunction({ items: ownItems });
		expect(await outgoing.ran()).toEqual({ done: true, value: { a: 6, b: 1 } });
	});
});
