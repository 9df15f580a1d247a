// What the n8n benchmark requests: one production webhook per scenario, its workflows, and
// how to check an answer. Workflow files are in ./workflows (imported with their ids).
'use strict';
const path = require('node:path');

const WORKFLOWS = path.join(__dirname, 'workflows');

/** Activated first, in this order: what the scenarios' workflows call. */
const CALLEES = [
	{ id: 'benchSubAdd01', file: 'sub-add.json' },
	{ id: 'benchFnAdd01', file: 'function-add.json' },
	{ id: 'benchFnAddMany01', file: 'function-add-many.json' },
];

// check(a, b) → (response body) → true when right. The 20-item workflows add b to 0…19.
const single = (a, b) => (body) => (Array.isArray(body) ? body[0] : body)?.sum === a + b;
const twenty = (a, b) => (body) => Array.isArray(body) && body.length === 20 && body.every((item, i) => item?.sum === i + b);

const SCENARIOS = [
	{ id: 'set', label: '1. webhook → Set', path: 'bench-set', workflowId: 'benchSet01', file: 'set.json', check: single },
	{ id: 'exec', label: '2. webhook → Execute Workflow', path: 'bench-exec', workflowId: 'benchExec01', file: 'execute-workflow.json', check: single, subWorkflowId: 'benchSubAdd01' },
	{ id: 'call', label: '3. webhook → Call Function', path: 'bench-call', workflowId: 'benchCall01', file: 'call-function.json', check: single, functionWorkflowId: 'benchFnAdd01' },
	{
		id: 'exec-20-each',
		heavy: true, // 20 items per request: fewer requests (see run.js)
		label: '4. 20 items → Execute Workflow, once for each item',
		path: 'bench-exec-20-each',
		workflowId: 'benchExec20Each01',
		file: 'execute-workflow-20-each.json',
		check: twenty,
	},
	{
		id: 'call-20-each',
		heavy: true, // 20 items per request: fewer requests (see run.js)
		label: '4. 20 items → Call Function, once for each item',
		path: 'bench-call-20-each',
		workflowId: 'benchCall20Each01',
		file: 'call-function-20-each.json',
		check: twenty,
	},
	{
		id: 'exec-20-once',
		heavy: true, // 20 items per request: fewer requests (see run.js)
		label: '4. 20 items → Execute Workflow, once with all items',
		path: 'bench-exec-20-once',
		workflowId: 'benchExec20Once01',
		file: 'execute-workflow-20-once.json',
		check: twenty,
	},
	{
		id: 'call-20-once',
		heavy: true, // 20 items per request: fewer requests (see run.js)
		label: '4. 20 items → Call Function, once with all items',
		path: 'bench-call-20-once',
		workflowId: 'benchCall20Once01',
		file: 'call-function-20-once.json',
		check: twenty,
	},
];

/** The scenarios named in BENCH_N8N_SCENARIOS (comma-separated ids), or all. */
function selectedScenarios() {
	const wanted = (process.env.BENCH_N8N_SCENARIOS || '').split(',').map((s) => s.trim()).filter(Boolean);
	if (wanted.length === 0) return SCENARIOS;
	return wanted.map((id) => {
		const found = SCENARIOS.find((s) => s.id === id);
		if (!found) throw new Error(`unknown scenario ${id} in BENCH_N8N_SCENARIOS (known: ${SCENARIOS.map((s) => s.id).join(', ')})`);
		return found;
	});
}

const workflowFiles = () => [...CALLEES, ...SCENARIOS].map((w) => path.join(WORKFLOWS, w.file));

module.exports = { CALLEES, SCENARIOS, selectedScenarios, workflowFiles };
