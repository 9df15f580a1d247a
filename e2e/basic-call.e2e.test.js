// A workflow calls the `add` Function defined in another workflow and answers with its value,
// in queue mode (main + 1 worker, PostgreSQL, Redis) and in regular mode (one process, SQLite).
// A webhook → Set workflow first checks the harness itself, without this package.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { startN8nTopology } = require('./support/topology');
const { repoRoot } = require('./support/extension-folder');
const { waitUntil } = require('./support/wait-until');

const SMOKE_WORKFLOW = path.join(__dirname, 'workflows', 'smoke-webhook-set.json');
const FUNCTION_WORKFLOW = path.join(repoRoot, 'examples', 'function-add.json');
const CALLER_WORKFLOW = path.join(repoRoot, 'examples', 'call-add.json');
const examplesExist = fs.existsSync(FUNCTION_WORKFLOW) && fs.existsSync(CALLER_WORKFLOW);

const idOf = (file) => [JSON.parse(fs.readFileSync(file, 'utf8'))].flat()[0].id;

describe.each([
	['queue', { workers: 1 }],
	['regular', {}],
])('%s mode', (mode, options) => {
	let n8n;

	beforeAll(async () => {
		const workflowFiles = [SMOKE_WORKFLOW, ...(examplesExist ? [FUNCTION_WORKFLOW, CALLER_WORKFLOW] : [])];
		n8n = await startN8nTopology({ mode, ...options, workflowFiles });
	}, 300_000);

	afterAll(() => n8n?.stop(), 60_000);

	test('harness smoke: an activated webhook → Set workflow answers and its execution is recorded', async () => {
		const id = idOf(SMOKE_WORKFLOW);
		await n8n.timer.time('smoke activate', () => n8n.activate(id));
		const response = await n8n.timer.time('smoke call', () => n8n.webhook('e2e-smoke', { query: { x: 'hello' } }));
		expect(response.status).toBe(200);
		expect(response.body).toMatchObject({ smoke: 'ok', echo: 'hello' });

		// Saved a moment after the answer: poll, bounded.
		const executions = await waitUntil(
			`a successful execution of ${id} in GET /rest/executions`,
			async () => {
				const found = await n8n.executions(id);
				return found.some((e) => e.status === 'success') && found;
			},
			{ timeoutMs: 15_000, intervalMs: 300 },
		);
		expect(executions[0].workflowId).toBe(id);
	});

	test('Call Function answers GET /webhook/add?a=2&b=3 with sum 5', async () => {
		if (!examplesExist) throw new Error(`missing ${FUNCTION_WORKFLOW} or ${CALLER_WORKFLOW}: the examples come with the nodes`);
		if (!n8n.extension.hasNodes) throw new Error(`no dist/ in ${n8n.extension.folder}: run \`npm run build\` first`);

		// The function first, so the caller's first call finds it served.
		await n8n.timer.time('activate function', () => n8n.activate(idOf(FUNCTION_WORKFLOW)));
		await n8n.timer.time('activate caller', () => n8n.activate(idOf(CALLER_WORKFLOW)));
		const response = await n8n.timer.time('call add', () => n8n.webhook('add', { query: { a: 2, b: 3 } }));

		expect({ status: response.status, body: response.body }).toMatchObject({ status: 200 });
		const answer = Array.isArray(response.body) ? response.body[0] : response.body;
		expect(answer).toMatchObject({ sum: 5 });
		if (mode === 'queue') {
			// The call crossed processes through Redis, under this run's N8N_FUNCTIONS_KEY_PREFIX.
			expect(await n8n.functionKeys()).not.toHaveLength(0);
		}
	});
});
