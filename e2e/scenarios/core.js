// Scenarios 1-5, run in queue mode and in regular mode: a basic call, scope, parameter and
// return types, failures, many items. Each scenario is a `describe` of its own; they share the
// topology a test file started (getN8n()) and the workflows in CORE_WORKFLOW_FILES.
'use strict';
const path = require('node:path');
const { repoRoot } = require('../support/extension-folder');
const {
	GLOBAL,
	THIS_WORKFLOW,
	workflowFile,
	idOf,
	workflowChoices,
	waitForLiveFunctions,
	errorOf,
	timedWebhook,
	executionIds,
	newExecutions,
	nodeOutput,
} = require('../support/functions');

const FILES = {
	smoke: workflowFile('smoke-webhook-set.json'),
	add: path.join(repoRoot, 'examples', 'function-add.json'),
	callAdd: path.join(repoRoot, 'examples', 'call-add.json'),
	local1: workflowFile('scope-local-greet-1.json'),
	local2: workflowFile('scope-local-greet-2.json'),
	hello: workflowFile('scope-global-hello.json'),
	otherWorkflow: workflowFile('scope-other-workflow.json'),
	echoTypes: workflowFile('types-echo.json'),
	typesCallers: workflowFile('types-callers.json'),
	slow: workflowFile('failures-slow.json'),
	throws: workflowFile('failures-throws.json'),
	retries: workflowFile('failures-retries.json'),
	noReturn: workflowFile('failures-no-return.json'),
	failureCallers: workflowFile('failures-callers.json'),
	square: workflowFile('items-square.json'),
	itemsCallers: workflowFile('items-callers.json'),
};

/** Functions first, then callers; `functions` says what to wait for before the tests. */
const CORE_FUNCTIONS = [
	{ file: FILES.add, name: 'add' },
	{ file: FILES.local1, name: 'greet', local: true },
	{ file: FILES.local2, name: 'greet', local: true },
	{ file: FILES.hello, name: 'hello' },
	{ file: FILES.echoTypes, name: 'echoTypes' },
	{ file: FILES.slow, name: 'slowToAnswer' },
	{ file: FILES.throws, name: 'findCustomer' },
	{ file: FILES.retries, name: 'findInvoice' },
	{ file: FILES.noReturn, name: 'forgetsToReturn' },
	{ file: FILES.square, name: 'square' },
];
const CORE_CALLERS = [FILES.smoke, FILES.callAdd, FILES.otherWorkflow, FILES.typesCallers, FILES.failureCallers, FILES.itemsCallers];
const CORE_WORKFLOW_FILES = [...new Set([...CORE_FUNCTIONS.map((f) => f.file), ...CORE_CALLERS])];

/**
 * Activates (publishes) the function workflows, then the callers, and waits until every
 * function is offered as live in Call Function's dropdown.
 */
async function activateAll(n8n, functions, callerFiles) {
	for (const file of [...new Set(functions.map((f) => f.file))]) await n8n.activate(idOf(file));
	for (const file of callerFiles) await n8n.activate(idOf(file));
	await waitForLiveFunctions(
		n8n,
		functions.map((f) => ({ name: f.name, workflowId: idOf(f.file), local: f.local })),
	);
}

/** The arguments echoTypes returns for parameters left out: their declared defaults. */
const ECHO_DEFAULTS = {
	label: 'untitled',
	limit: 10,
	strict: true,
	meta: { source: 'default', nested: { ok: true } },
	tags: ['default'],
};

function defineCoreScenarios(getN8n) {
	describe('harness', () => {
		test('an activated webhook → Set workflow answers and its execution is recorded', async () => {
			const n8n = getN8n();
			const id = idOf(FILES.smoke);
			const response = await n8n.webhook('e2e-smoke', { query: { x: 'hello' } });
			expect(response.status).toBe(200);
			expect(response.body).toMatchObject({ smoke: 'ok', echo: 'hello' });
			const [execution] = await newExecutions(n8n, id, new Set(), { count: 1, timeoutMs: 15_000 });
			expect(execution).toMatchObject({ workflowId: id, status: 'success' });
		});
	});

	describe('1. basic call', () => {
		test('webhook → Call Function → add in another workflow → Return from Function: GET /webhook/add?a=2&b=3 answers {sum: 5}', async () => {
			const n8n = getN8n();
			const response = await n8n.webhook('add', { query: { a: 2, b: 3 } });
			expect({ status: response.status, body: response.body }).toEqual({ status: 200, body: { sum: 5 } });
			if (n8n.mode === 'queue') {
				// The call crossed processes through Redis, under this run's N8N_FUNCTIONS_KEY_PREFIX.
				expect(await n8n.functionKeys()).toEqual(expect.arrayContaining([expect.stringContaining('fn:{__global__/add}:')]));
			}
		});
	});

	describe('2. scope', () => {
		test('a local function is callable from its own workflow, and a global one from there too', async () => {
			const response = await getN8n().webhook('scope/local-1', { query: { name: 'Ada' } });
			expect(response.status).toBe(200);
			expect(response.body).toMatchObject({ local: { greeting: 'Hello Ada from workflow 1' }, global: { message: 'hello Ada' } });
		});

		test('two workflows each define a local function "greet" without clashing', async () => {
			const n8n = getN8n();
			const [first, second] = await Promise.all([
				n8n.webhook('scope/local-1', { query: { name: 'Bob' } }),
				n8n.webhook('scope/local-2', { query: { name: 'Bob' } }),
			]);
			expect(first.body.local).toEqual({ greeting: 'Hello Bob from workflow 1' });
			expect(second.body.local).toEqual({ greeting: 'Hello Bob from workflow 2' });
		});

		test('another workflow calling a local function by its workflow id fails with a clear message', async () => {
			const response = await getN8n().webhook('scope/other-local', { query: { name: 'Eve' } });
			expect(errorOf(response)).toBe(`Function "greet" of workflow ${idOf(FILES.local1)} is local to that workflow`);
		});

		test('a global function is callable from another workflow', async () => {
			const response = await getN8n().webhook('scope/other-global', { query: { name: 'Eve' } });
			expect({ status: response.status, body: response.body }).toEqual({ status: 200, body: { message: 'hello Eve' } });
		});

		test("Call Function's Workflow dropdown offers only the global functions and this workflow's own", async () => {
			const n8n = getN8n();
			const choices = await workflowChoices(n8n, { callerWorkflowId: idOf(FILES.local1) });
			expect(choices.map((choice) => choice.value)).toEqual([GLOBAL, THIS_WORKFLOW]);
			expect(choices[1].description).toBe('1 function'); // its local greet
		});
	});

	describe('3. parameters and return values', () => {
		test('every declared type, nested objects and unicode travel both ways unchanged; defaults fill what is left out', async () => {
			const args = {
				text: 'héllo wörld 世界 🎉 "quoted"\nsecond line',
				count: -3.25,
				enabled: false,
				options: { nested: { deep: [1, { ü: 'ß' }], empty: {} }, 'key with spaces': null },
				list: [1, 'two', { three: 3 }, [4, [5]], null, true],
				anything: { any: ['thing'] },
			};
			const response = await getN8n().webhook('types/json', { method: 'POST', body: args });
			expect(response.status).toBe(200);
			expect(response.body).toEqual({ ...ECHO_DEFAULTS, ...args });
		});

		test('empty values are values: "", 0, false, {}, [] and null arrive as given, not replaced by defaults', async () => {
			const args = { text: '', count: 0, enabled: false, options: {}, list: [], label: '', limit: 0, strict: false, meta: {}, tags: [], anything: null };
			const response = await getN8n().webhook('types/json', { method: 'POST', body: args });
			expect(response.status).toBe(200);
			expect(response.body).toEqual(args);
		});

		test('Parameters Mode "Fields": text from the query is converted to each field\'s declared type', async () => {
			const response = await getN8n().webhook('types/fields', { query: { text: 'ab', count: '7', enabled: 'true' } });
			expect(response.status).toBe(200);
			expect(response.body).toEqual({ ...ECHO_DEFAULTS, text: 'ab', count: 7, enabled: true, options: { query: 'ab' }, list: [1, 'two'] });
		});

		test('a missing required parameter and a wrong type are rejected before the call, naming the parameter', async () => {
			const n8n = getN8n();
			const functionWorkflow = idOf(FILES.echoTypes);
			const before = await executionIds(n8n, functionWorkflow);

			const missing = await n8n.webhook('types/json', { method: 'POST', body: { count: 1, enabled: true, options: {}, list: [] } });
			expect(errorOf(missing)).toMatch(/^Wrong arguments for global function 'echoTypes': required parameter 'text' is missing\. It declares text: string \(required\), /);
			const wrongType = await n8n.webhook('types/json', { method: 'POST', body: { text: 'x', count: 'seven', enabled: true, options: {}, list: [] } });
			expect(errorOf(wrongType)).toMatch(/^Wrong arguments for global function 'echoTypes': parameter 'count' must be a number, got string "seven"\./);

			// Neither reached the function: the next valid call is its only new execution.
			const valid = await n8n.webhook('types/json', { method: 'POST', body: { text: 'ok', count: 1, enabled: true, options: {}, list: [] } });
			expect(valid.body).toMatchObject({ text: 'ok' });
			const executions = await newExecutions(n8n, functionWorkflow, before, { count: 1 });
			expect(executions).toHaveLength(1);
			expect(nodeOutput(executions[0], 'echoTypes')[0].json).toMatchObject({ text: 'ok' });
			expect(await executionIds(n8n, functionWorkflow)).toHaveProperty('size', before.size + 1);
		});
	});

	describe('4. failures', () => {
		test('a function that does not reach Return from Function in time: the caller fails after its timeout, naming the function', async () => {
			const response = await timedWebhook(getN8n(), 'failures/slow');
			// It says where the execution was: running in an n8n process (host and pid).
			expect(errorOf(response)).toMatch(
				/^The global function 'slowToAnswer' did not answer within 2 s: a Function trigger took the call, but its execution has not reached Return from Function; it was running in process \d+ on host \S+\./,
			);
			expect(response.seconds).toBeGreaterThanOrEqual(2);
			expect(response.seconds).toBeLessThan(10); // not the function's 10 s
		});

		test("a function whose workflow throws runs once, as a sub-workflow would: the caller fails at once with the function's error message", async () => {
			const n8n = getN8n();
			const before = await executionIds(n8n, idOf(FILES.throws));
			const response = await timedWebhook(n8n, 'failures/throws');
			expect(errorOf(response)).toBe(`Function 'findCustomer' failed: Customer 42 not found (node "Stop and Error")`);
			expect(response.seconds).toBeLessThan(15); // the timeout is 30 s
			const executions = await newExecutions(n8n, idOf(FILES.throws), before);
			expect(executions.map((execution) => execution.status)).toEqual(['error']);
		});

		test('a function with Max Attempts 3 runs again when it fails, then the caller gets its error', async () => {
			const n8n = getN8n();
			const before = await executionIds(n8n, idOf(FILES.retries));
			const response = await timedWebhook(n8n, 'failures/retries');
			// Regular mode keeps no dead letters: only Redis does.
			const where = n8n.mode === 'queue' ? '; the call was moved to the dead letters' : '';
			expect(errorOf(response)).toBe(`Function 'findInvoice' failed: Invoice 7 not found (node "Stop and Error") (it failed 3 times${where})`);
			const executions = await newExecutions(n8n, idOf(FILES.retries), before, { count: 3 });
			expect(executions.map((execution) => execution.status)).toEqual(['error', 'error', 'error']);
		});

		test('a function that ends without Return from Function: the caller fails at once, saying so', async () => {
			const response = await timedWebhook(getN8n(), 'failures/no-return');
			expect(errorOf(response)).toMatch(/^Function 'forgetsToReturn' failed: .*ended without reaching .*Return from Function/);
			expect(response.seconds).toBeLessThan(15);
		});
	});

	describe('5. many items', () => {
		const items = Array.from({ length: 20 }, (_, i) => ({ x: i + 1 }));
		const squares = items.map(({ x }) => ({ x, square: x * x }));
		const pairedOneToOne = items.map((_, i) => ({ item: i }));

		test('once per item: 20 items give 20 results in input order, each paired with its item, from 20 executions', async () => {
			const n8n = getN8n();
			const caller = idOf(FILES.itemsCallers);
			const before = await executionIds(n8n, caller);
			const response = await n8n.webhook('items/each', { method: 'POST', body: { items } });
			expect(response.status).toBe(200);
			expect(response.body.map(({ x, square }) => ({ x, square }))).toEqual(squares);
			expect(new Set(response.body.map((result) => result.execution)).size).toBe(20);

			const [execution] = await newExecutions(n8n, caller, before);
			expect(nodeOutput(execution, 'Call square (once per item)').map((item) => item.pairedItem)).toEqual(pairedOneToOne);
		});

		test('once with all items: one execution squares all 20, results paired one to one', async () => {
			const n8n = getN8n();
			const caller = idOf(FILES.itemsCallers);
			const before = await executionIds(n8n, caller);
			const response = await n8n.webhook('items/once', { method: 'POST', body: { items } });
			expect(response.status).toBe(200);
			expect(response.body.map(({ x, square }) => ({ x, square }))).toEqual(squares);
			expect(new Set(response.body.map((result) => result.execution)).size).toBe(1);

			const [execution] = await newExecutions(n8n, caller, before);
			expect(nodeOutput(execution, 'Call square (once with all items)').map((item) => item.pairedItem)).toEqual(pairedOneToOne);
		});
	});
}

module.exports = { FILES, CORE_FUNCTIONS, CORE_CALLERS, CORE_WORKFLOW_FILES, activateAll, defineCoreScenarios };
