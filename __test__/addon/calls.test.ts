/**
 * The addon against the real Redis, a local Redis Cluster (six nodes, started here) and the
 * memory backend: the same behaviour, the same error texts. Redis at REDIS_URL (default
 * redis://127.0.0.1:6379).
 */
import { Client, consume, definition, errorOf, freshClient, GLOBAL, Served } from '../support/addon';
import { LocalCluster, startCluster } from '../support/cluster';

describe.each(['redis', 'cluster', 'memory'] as const)('calls through the %s backend', (backend) => {
	let client: Client;
	let cluster: LocalCluster | undefined;
	const served: Served[] = [];

	beforeAll(async () => {
		if (backend === 'cluster') cluster = await startCluster();
	});

	afterAll(async () => {
		await cluster?.stop();
	});

	async function serve(def = definition('add'), handle = (c: Parameters<Parameters<typeof consume>[1]>[0]) => {
		const { a, b } = c.items[0] as { a: number; b: number };
		void client.respond(c.context, { sum: a + b });
	}) {
		const function_ = await client.serve(def);
		served.push(function_);
		void consume(function_, handle);
		return function_;
	}

	beforeEach(() => {
		client = cluster ? freshClient('redis', cluster.url) : freshClient(backend === 'cluster' ? 'redis' : backend);
	});

	afterEach(async () => {
		await Promise.all(served.splice(0).map((s) => s.close()));
	});

	test('a call returns the value the function answered, with defaults applied', async () => {
		await serve();
		expect(await client.call({ scope: GLOBAL, name: 'add', items: [{ a: 2, b: 3 }] })).toEqual({ sum: 5 });
		expect(await client.call({ scope: GLOBAL, name: 'add', items: [{ a: 2 }] })).toEqual({ sum: 12 });
	});

	test('1,000 concurrent calls each get their own answer', async () => {
		await serve();
		const results = await Promise.all(
			Array.from({ length: 1000 }, (_, i) => client.call({ scope: GLOBAL, name: 'add', items: [{ a: i, b: 1000 }] })),
		);
		results.forEach((result, i) => expect(result).toEqual({ sum: i + 1000 }));
	});

	test('two consumers of one function share its calls, each call answered once', async () => {
		const seenBy: number[] = [0, 0];
		for (const index of [0, 1]) {
			await serve(definition('add'), (call) => {
				seenBy[index] += 1;
				void client.respond(call.context, index);
			});
		}
		const answers: unknown[] = [];
		for (let i = 0; i < 40; i++) answers.push(await client.call({ scope: GLOBAL, name: 'add', items: [{ a: i }] }));
		expect(seenBy[0] + seenBy[1]).toBe(40);
		expect(seenBy[0]).toBeGreaterThan(0);
		expect(seenBy[1]).toBeGreaterThan(0);
		expect(answers.filter((a) => a === 0).length).toBe(seenBy[0]);
	});

	test('local functions belong to their workflow; global ones are callable by scope "__global__"', async () => {
		for (const workflowId of ['wfA', 'wfB']) {
			await serve(definition('double', { scope: workflowId, workflowId, workflowName: `Flow ${workflowId}` }), (call) => {
				void client.respond(call.context, `${workflowId}:${(call.items[0] as { a: number }).a * 2}`);
			});
		}
		expect(await client.call({ scope: 'wfA', name: 'double', items: [{ a: 4 }] })).toBe('wfA:8');
		expect(await client.call({ scope: 'wfB', name: 'double', items: [{ a: 5 }] })).toBe('wfB:10');
		const missing = await errorOf(client.call({ scope: GLOBAL, name: 'double', items: [{ a: 1 }] }));
		expect(missing.code).toBe('FUNCTION_NOT_FOUND');
		expect(missing.message).toContain("No global function 'double'");
		const wrongWorkflow = await errorOf(client.call({ scope: 'wfA', name: 'triple', items: [{ a: 1 }] }));
		expect(wrongWorkflow.message).toContain("No function 'triple' is defined in workflow 'Flow wfA' (id wfA) (defined there: 'double')");
	});

	test('a call made while no Function trigger runs is served once one starts', async () => {
		const first = await client.serve(definition('later'));
		await first.close();
		const pending = client.call({ scope: GLOBAL, name: 'later', items: [{ a: 1 }], timeoutMs: 10000 });
		await new Promise((resolve) => setTimeout(resolve, 200));
		await serve(definition('later'), (call) => void client.respond(call.context, 'served late'));
		expect(await pending).toBe('served late');
	});

	test('wrong arguments fail before the call is sent, naming the parameter', async () => {
		let delivered = 0;
		await serve(definition('add'), () => void (delivered += 1));
		const wrong = await errorOf(client.call({ scope: GLOBAL, name: 'add', items: [{ a: '1', c: true }] }));
		expect(wrong.code).toBe('INVALID_ARGUMENTS');
		expect(wrong.message).toContain("parameter 'a' must be a number, got string \"1\"");
		expect(wrong.message).toContain("unknown parameter 'c'");
		const missing = await errorOf(client.call({ scope: GLOBAL, name: 'add', items: [{ b: 1 }] }));
		expect(missing.message).toContain("required parameter 'a' is missing");
		expect(delivered).toBe(0);
	});

	test('a failure answer is raised by the caller; only the first answer counts', async () => {
		const second: boolean[] = [];
		await serve(definition('add'), async (call) => {
			await client.fail(call.context, 'division by zero');
			second.push(await client.respond(call.context, 'too late'));
		});
		const failure = await errorOf(client.call({ scope: GLOBAL, name: 'add', items: [{ a: 1 }] }));
		expect(failure).toEqual({ code: 'FUNCTION_FAILED', message: "Function 'add' failed: division by zero" });
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(second).toEqual([false]);
	});

	test('an execution that ends without returning answers the caller at once, and is not run again', async () => {
		let runs = 0;
		const function_ = await serve(definition('add'), (call) => {
			runs += 1;
			void function_.finished(call.context);
		});
		const started = Date.now();
		const failure = await errorOf(client.call({ scope: GLOBAL, name: 'add', items: [{ a: 1 }], timeoutMs: 20000 }));
		expect(failure.message).toBe("Function 'add' failed: its execution ended without reaching a Return from Function node");
		expect(Date.now() - started).toBeLessThan(10000);
		expect(runs).toBe(1);
	});

	test('a failed execution runs again up to maxAttempts, then the caller gets its error', async () => {
		const attempts: number[] = [];
		const function_ = await serve(definition('add', { maxAttempts: 2 }), (call) => {
			attempts.push(call.attempt);
			void function_.finished(call.context, "node 'Throw' failed: boom");
		});
		const failure = await errorOf(client.call({ scope: GLOBAL, name: 'add', items: [{ a: 1 }], timeoutMs: 20000 }));
		// Only Redis keeps dead letters; regular mode's memory does not mention them.
		const where = backend === 'memory' ? '' : '; the call was moved to the dead letters';
		expect(failure.message).toBe(`Function 'add' failed: node 'Throw' failed: boom (it failed 2 times${where})`);
		expect(attempts).toEqual([1, 2]);
	});

	test('a failed execution runs once by default, as a sub-workflow would', async () => {
		const attempts: number[] = [];
		const function_ = await serve(definition('add'), (call) => {
			attempts.push(call.attempt);
			void function_.finished(call.context, "node 'Throw' failed: boom");
		});
		const failure = await errorOf(client.call({ scope: GLOBAL, name: 'add', items: [{ a: 1 }], timeoutMs: 20000 }));
		expect(failure.message).toBe("Function 'add' failed: node 'Throw' failed: boom");
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(attempts).toEqual([1]);
	});

	test('finished() after a return changes nothing', async () => {
		const results: boolean[] = [];
		const function_ = await serve(definition('add'), async (call) => {
			await client.respond(call.context, 'value');
			results.push(await function_.finished(call.context));
		});
		expect(await client.call({ scope: GLOBAL, name: 'add', items: [{ a: 1 }] })).toBe('value');
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(results).toEqual([false]);
	});

	test('a call nobody answers times out and says whether it was picked up', async () => {
		await serve(definition('slow'), () => undefined);
		const taken = await errorOf(client.call({ scope: GLOBAL, name: 'slow', items: [{ a: 1 }], timeoutMs: 300 }));
		expect(taken.code).toBe('CALL_TIMEOUT');
		expect(taken.message).toContain('a Function trigger took the call');

		const stopped = await client.serve(definition('idle'));
		await stopped.close();
		const untaken = await errorOf(client.call({ scope: GLOBAL, name: 'idle', items: [{ a: 1 }], timeoutMs: 300 }));
		expect(untaken.code).toBe('CALL_TIMEOUT');
		expect(untaken.message).toContain("no running Function trigger took the call. Check that workflow 'Math' (id wfMath) is active");
	});

	test('a late return after a timeout is refused, and a timed-out call is not run later', async () => {
		let delivered = 0;
		const stopped = await client.serve(definition('gone'));
		await stopped.close();
		await errorOf(client.call({ scope: GLOBAL, name: 'gone', items: [{ a: 1 }], timeoutMs: 200 }));
		await serve(definition('gone'), () => void (delivered += 1));
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(delivered).toBe(0);
	});

	test('calls with the same idempotency key share one run and its answer', async () => {
		let runs = 0;
		await serve(definition('charge'), (call) => {
			runs += 1;
			const run = runs;
			setTimeout(() => void client.respond(call.context, { run, a: (call.items[0] as { a: number }).a }), 200);
		});
		const charge = (idempotencyKey: string, a: number) =>
			client.call({ scope: GLOBAL, name: 'charge', items: [{ a }], idempotencyKey });
		const concurrent = await Promise.all([1, 2, 3, 4, 5].map(() => charge('order-1', 1)));
		expect(concurrent).toEqual(Array(5).fill({ run: 1, a: 1 }));
		// After the answer, the same key gets the stored answer without running again.
		expect(await charge('order-1', 1)).toEqual({ run: 1, a: 1 });
		expect(runs).toBe(1);
		expect(await charge('order-2', 2)).toEqual({ run: 2, a: 2 });
		expect(runs).toBe(2);
	});

	test('an idempotent call nobody took is withdrawn at its deadline, so the key can be used again', async () => {
		const stopped = await client.serve(definition('late'));
		await stopped.close();
		const first = await errorOf(client.call({ scope: GLOBAL, name: 'late', items: [{ a: 1 }], timeoutMs: 200, idempotencyKey: 'k' }));
		expect(first.code).toBe('CALL_TIMEOUT');
		await serve(definition('late'), (call) => void client.respond(call.context, 'ran once'));
		expect(await client.call({ scope: GLOBAL, name: 'late', items: [{ a: 1 }], idempotencyKey: 'k' })).toBe('ran once');
	});

	test('list and describe show what is defined and whether it runs', async () => {
		await serve(definition('add', { description: 'Adds two numbers' }));
		const stopped = await client.serve(definition('sub'));
		await stopped.close();
		const listed = await client.list(GLOBAL);
		expect(listed.map((f) => [f.name, f.live])).toEqual([
			['add', true],
			['sub', false],
		]);
		const add = await client.describe(GLOBAL, 'add');
		expect(add?.description).toBe('Adds two numbers');
		expect(add?.parameters.map((p) => [p.name, p.type, p.required])).toEqual([
			['a', 'number', true],
			['b', 'number', false],
		]);
		expect(await client.describe(GLOBAL, 'missing')).toBeNull();
	});

	test('a renamed function no longer lists its old name', async () => {
		const old = await client.serve(definition('old', { nodeName: 'Fn' }));
		await old.close();
		await serve(definition('renamed', { nodeName: 'Fn' }));
		expect((await client.list(GLOBAL)).map((f) => f.name)).toEqual(['renamed']);
	});

	test('another active node cannot take a function name that is in use', async () => {
		await serve(definition('add', { workflowId: 'wf1', nodeName: 'A' }));
		const clash = await errorOf(client.serve(definition('add', { workflowId: 'wf2', workflowName: 'Other', nodeName: 'B' })));
		expect(clash.code).toBe('INVALID_DEFINITION');
		expect(clash.message).toContain("already defined by node 'A' of workflow 'Math' (id wf1), which is active");
	});

	test('close() stops the consumer at once and next() then resolves empty', async () => {
		const function_ = await client.serve(definition('add'));
		const next = function_.next();
		const started = Date.now();
		await function_.close();
		expect(await next).toEqual([]);
		expect(Date.now() - started).toBeLessThan(3000);
		await function_.close();
	});

	test('bad definitions are refused with what to fix', async () => {
		const badType = await errorOf(client.serve(definition('f', { parameters: [{ name: 'x', type: 'int' }] })));
		expect(badType).toEqual({
			code: 'INVALID_DEFINITION',
			message: "Parameter 'x' of function 'f' has the type 'int': use string, number, boolean, object, array or any.",
		});
		const badDefault = await errorOf(client.serve(definition('f', { parameters: [{ name: 'x', type: 'number', default: 'ten' }] })));
		expect(badDefault.message).toContain("The default of parameter 'x' of global function 'f' must be a number, got string \"ten\"");
	});
});
