// Calls whose functions wait (docs/ARCHITECTURE.md, "Calls that wait"): in queue mode with one
// worker at --concurrency=2, callers of a function that parks (a Wait for a webhook call,
// standing for an approval; a Wait past 65 s) park too and free their slots, so other work
// runs meanwhile; the answer wakes them with the right value, also per item; a caller whose
// webhook answers with the value waits in place, within a bound; a parked call's deadline
// ends it and stops the function's waiting execution.
'use strict';
const path = require('node:path');
const { startN8nTopology } = require('./support/topology');
const { waitUntil } = require('./support/wait-until');
const { workflowFile, idOf, executionIds, nodeOutput, timedWebhook } = require('./support/functions');
const { activateAll } = require('./scenarios/core');

const repoRoot = path.join(__dirname, '..');
const FILES = {
	add: path.join(repoRoot, 'examples', 'function-add.json'),
	callAdd: path.join(repoRoot, 'examples', 'call-add.json'),
	approve: workflowFile('park-approve.json'),
	later: workflowFile('park-wait-70s.json'),
	callers: workflowFile('park-callers.json'),
};
const CALLERS = {
	async: 'e2eParkCallAsy1',
	sync: 'e2eParkCallSyn1',
	items: 'e2eParkCallItm1',
	later: 'e2eParkCallLat1',
};
const FINISHED = new Set(['success', 'error', 'canceled', 'crashed']);

/** The executions of a workflow not in `before`, with their data, once `count` are there. */
async function executionsSince(n8n, workflowId, before, count, { status, timeoutMs = 60_000 } = {}) {
	let fresh = [];
	let wanted = [];
	await waitUntil(
		`${count} new execution(s) of ${workflowId}${status ? ` with status ${status}` : ''}`,
		async () => {
			fresh = (await n8n.executions(workflowId)).filter((execution) => !before.has(execution.id));
			wanted = status ? fresh.filter((execution) => status.includes(execution.status)) : fresh;
			return wanted.length >= count;
		},
		{ timeoutMs, intervalMs: 300, hint: () => JSON.stringify(fresh.map(({ id, status: s }) => ({ id, status: s }))) },
	);
	return wanted;
}

/** The resume URL of each parked `approve` execution: where its approval comes in. */
async function approvalUrls(n8n, executions) {
	return Promise.all(
		executions.map(async ({ id }) => {
			const execution = await n8n.rest.execution(id);
			return { id, amount: nodeOutput(execution, 'approve')[0].json.amount, url: nodeOutput(execution, 'Resume URL')[0].json.resumeUrl };
		}),
	);
}

/** Approves (or not) through the Wait node's resume URL, as a person's click would. */
async function decide(url, approved) {
	const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ approved }) });
	if (!response.ok) throw new Error(`the approval at ${url} answered ${response.status} ${await response.text()}`);
}

/** Waits until every execution of the workflows since `before` is finished; returns them with their data. */
async function finished(n8n, workflowId, before, count, timeoutMs = 60_000) {
	const fresh = await executionsSince(n8n, workflowId, before, count, { timeoutMs });
	await waitUntil(
		`every new execution of ${workflowId} finished`,
		async () => {
			const now = (await n8n.executions(workflowId)).filter((execution) => !before.has(execution.id));
			return now.length >= count && now.every((execution) => FINISHED.has(execution.status));
		},
		{ timeoutMs, intervalMs: 300 },
	);
	return Promise.all(fresh.map(({ id }) => n8n.rest.execution(id)));
}

describe('queue mode, one worker at --concurrency=2: calls whose functions wait', () => {
	let n8n;

	beforeAll(async () => {
		n8n = await startN8nTopology({
			mode: 'queue',
			workers: 1,
			workerConcurrency: 2,
			install: 'package',
			workflowFiles: [FILES.add, FILES.callAdd, FILES.approve, FILES.later, FILES.callers],
		});
		await n8n.timer.time('activate', () =>
			activateAll(
				n8n,
				[
					{ file: FILES.add, name: 'add' },
					{ file: FILES.approve, name: 'approve' },
					{ file: FILES.later, name: 'later' },
				],
				[FILES.callAdd, FILES.callers],
			),
		);
	}, 360_000);

	afterAll(() => n8n?.stop(), 90_000);

	test('four callers of a function waiting for approval park and free their slots; approved, each goes on with its own decision', async () => {
		const approve = idOf(FILES.approve);
		const before = { functions: await executionIds(n8n, approve), callers: await executionIds(n8n, CALLERS.async) };
		const requests = await Promise.all([1, 2, 3, 4].map((amount) => n8n.webhook('approve/async', { query: { amount } })));
		expect(requests.map((r) => r.status)).toEqual([200, 200, 200, 200]);
		const parked = await executionsSince(n8n, approve, before.functions, 4, { status: ['waiting'] });
		await executionsSince(n8n, CALLERS.async, before.callers, 4, { status: ['waiting'] });

		// Both slots are free: a quick call is answered in normal time meanwhile.
		const quick = await timedWebhook(n8n, 'add', { query: { a: 2, b: 3 } });
		expect([quick.status, quick.body]).toEqual([200, { sum: 5 }]);
		expect(quick.seconds).toBeLessThan(15);

		const approvals = await approvalUrls(n8n, parked);
		expect(approvals.map((a) => a.amount).sort()).toEqual([1, 2, 3, 4]);
		for (const { url, amount } of approvals) await decide(url, amount % 2 === 0);

		const callers = await finished(n8n, CALLERS.async, before.callers, 4);
		const decisions = callers.map((execution) => nodeOutput(execution, 'Call approve')[0].json);
		expect(decisions.sort((a, b) => a.amount - b.amount)).toEqual([
			{ approved: false, amount: 1 },
			{ approved: true, amount: 2 },
			{ approved: false, amount: 3 },
			{ approved: true, amount: 4 },
		]);
		expect(callers.map((execution) => execution.status)).toEqual(['success', 'success', 'success', 'success']);
		const functions = await finished(n8n, approve, before.functions, 4);
		expect(functions.map((execution) => execution.status)).toEqual(['success', 'success', 'success', 'success']);
	}, 240_000);
});
