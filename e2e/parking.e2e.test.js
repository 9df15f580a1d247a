// Calls whose functions wait (docs/ARCHITECTURE.md, "Calls that wait"): in queue mode with one
// worker at --concurrency=2, callers of a function that parks (a Wait for a webhook call,
// standing for an approval; a Wait past 65 s) park too and free their slots, so other work
// runs meanwhile; the answer wakes them with the right value, also per item; a caller whose
// webhook answers with the value waits in place, within a bound; a parked call's deadline
// ends it and stops the function's waiting execution.
'use strict';
const path = require('node:path');
const { startN8nTopology } = require('./support/topology');
const { redisUrl } = require('./support/redis');
const { waitUntil } = require('./support/wait-until');
const { workflowFile, idOf, executionIds, nodeOutput, timedWebhook, waitForLiveFunctions } = require('./support/functions');
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
				[FILES.callAdd],
			),
		);
		for (const id of Object.values(CALLERS)) await n8n.activate(id);
	}, 360_000);

	afterAll(() => n8n?.stop(), 90_000);

	test('four callers of a function waiting for approval park and free their slots; approved, each goes on with its own decision', async () => {
		const approve = idOf(FILES.approve);
		const before = { functions: await executionIds(n8n, approve), callers: await executionIds(n8n, CALLERS.async) };
		const requests = await Promise.all([1, 2, 3, 4].map((amount) => n8n.webhook('approve/async', { query: { amount } })));
		expect(requests.map((r) => r.status)).toEqual([200, 200, 200, 200]);
		const parked = await executionsSince(n8n, approve, before.functions, 4, { status: ['waiting'] });
		await executionsSince(n8n, CALLERS.async, before.callers, 4, { status: ['waiting'] });

		// `n8n-functions status` (the addon's status()) shows what each parked call waits on.
		const { FunctionsClient } = require(path.join(repoRoot, 'index.js'));
		const client = new FunctionsClient({ url: redisUrl, keyPrefix: n8n.functionsKeyPrefix });
		const [status] = (await client.status()).filter((f) => f.name === 'approve');
		expect(status.parked).toHaveLength(4);
		const parkedIds = new Set(parked.map((execution) => execution.id));
		for (const call of status.parked) {
			expect(parkedIds.has(call.execution.executionId)).toBe(true);
			expect(call.caller.workflowId).toBe(CALLERS.async);
			expect(call.parkedAt).toBeLessThanOrEqual(Date.now());
		}

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
		// A call its caller took back may also have a late execution, which runs nothing
		// (docs/RELIABILITY.md): four executions ran the function, every one succeeded.
		const ran = functions.filter((execution) => execution.data.resultData.runData['Return decision']);
		expect(ran.map((execution) => execution.status)).toEqual(['success', 'success', 'success', 'success']);
		for (const late of functions.filter((execution) => !ran.includes(execution))) {
			expect([late.status, Object.keys(late.data.resultData.runData)]).toEqual(['success', ['approve']]);
		}
	}, 240_000);

	test('five items, each calling a function that waits: five decisions in input order, each paired with its item', async () => {
		const approve = idOf(FILES.approve);
		const before = { functions: await executionIds(n8n, approve), callers: await executionIds(n8n, CALLERS.items) };
		const items = [5, 4, 3, 2, 1].map((amount) => ({ amount }));
		const response = await n8n.webhook('approve/items', { method: 'POST', body: { items } });
		expect(response.status).toBe(200);
		const parked = await executionsSince(n8n, approve, before.functions, 5, { status: ['waiting'] });
		const approvals = await approvalUrls(n8n, parked);
		// Approved in another order than the items': the output keeps the items' order.
		for (const { url, amount } of approvals.sort((a, b) => a.amount - b.amount)) await decide(url, amount > 2);
		const [caller] = await finished(n8n, CALLERS.items, before.callers, 1);
		expect(caller.status).toBe('success');
		const output = nodeOutput(caller, 'Call approve');
		expect(output.map((item) => item.json)).toEqual(
			[5, 4, 3, 2, 1].map((amount) => ({ amount, decision: { approved: amount > 2, amount } })),
		);
		expect(output.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
	}, 240_000);

	test('a caller whose webhook answers with the value waits in place for it; one more such caller than a slot can spare is refused at once, saying why', async () => {
		const approve = idOf(FILES.approve);
		const before = { functions: await executionIds(n8n, approve) };
		const first = n8n.webhook('approve/sync', { query: { amount: 7 }, timeoutMs: 120_000 });
		await executionsSince(n8n, approve, before.functions, 1, { status: ['waiting'] });
		// This worker has 2 slots: one may wait on others, the first caller holds it.
		const second = await timedWebhook(n8n, 'approve/sync', { query: { amount: 8 } });
		expect(second.status).toBe(200);
		expect(second.seconds).toBeLessThan(30);
		const refusal = (Array.isArray(second.body) ? second.body[0] : second.body).error;
		expect(refusal).toMatch(/is waiting \(its execution parked at a Wait, an approval or a form\), and this caller cannot park meanwhile/);
		expect(refusal).toMatch(/answers the request to "Webhook" with its result/);
		// The other slot stays free for other work.
		const quick = await timedWebhook(n8n, 'add', { query: { a: 1, b: 1 } });
		expect([quick.status, quick.body]).toEqual([200, { sum: 2 }]);
		const parked = await executionsSince(n8n, approve, before.functions, 1, { status: ['waiting'] });
		const approvals = await approvalUrls(n8n, parked);
		const seven = approvals.find((approval) => approval.amount === 7);
		await decide(seven.url, true);
		const answer = await first;
		expect([answer.status, answer.body]).toEqual([200, { approved: true, amount: 7 }]);
		// The refused caller's function execution is stopped, not left waiting.
		await waitUntil(
			'no execution of approve left waiting',
			async () => (await n8n.executions(approve)).filter((e) => !before.functions.has(e.id)).every((e) => FINISHED.has(e.status)),
			{ timeoutMs: 30_000, intervalMs: 500 },
		);
	}, 240_000);

	test("a caller stopped with n8n's Stop while it waits in place stops its call, and the function's waiting execution is stopped too", async () => {
		const approve = idOf(FILES.approve);
		const before = { functions: await executionIds(n8n, approve), callers: await executionIds(n8n, CALLERS.sync) };
		const waiting = n8n.webhook('approve/sync', { query: { amount: 11 }, timeoutMs: 60_000 }).catch((error) => error);
		const [caller] = await executionsSince(n8n, CALLERS.sync, before.callers, 1, { status: ['running'] });
		await executionsSince(n8n, approve, before.functions, 1, { status: ['waiting'] });
		await n8n.rest.request('POST', `/executions/${caller.id}/stop`);
		await waiting;
		const [stopped] = await finished(n8n, CALLERS.sync, before.callers, 1);
		expect(stopped.status).toBe('canceled');
		const functions = await finished(n8n, approve, before.functions, 1, 30_000);
		expect(functions.map((execution) => execution.status)).toContain('canceled');
	}, 120_000);

	test('a parked call whose deadline passes: its caller fails with the timeout, and the waiting function execution is stopped', async () => {
		const approve = idOf(FILES.approve);
		const before = { functions: await executionIds(n8n, approve), callers: await executionIds(n8n, CALLERS.async) };
		await n8n.webhook('approve/async', { query: { amount: 9, timeout: 6 } });
		await executionsSince(n8n, CALLERS.async, before.callers, 1, { status: ['waiting'] });
		const [caller] = await finished(n8n, CALLERS.async, before.callers, 1, 60_000);
		expect(caller.status).toBe('error');
		expect(caller.data.resultData.error.message).toMatch(
			/^The global function 'approve' did not answer within 6 s: its execution was still waiting \(parked at a Wait, an approval or a form\)/,
		);
		const functions = await finished(n8n, approve, before.functions, 1, 60_000);
		expect(functions.map((execution) => execution.status)).toContain('canceled');
	}, 240_000);

	test('a function that waits 70 s: its callers park for it, a quick call is answered meanwhile, and each gets its value after the wait', async () => {
		const later = idOf(FILES.later);
		const before = { functions: await executionIds(n8n, later), callers: await executionIds(n8n, CALLERS.later) };
		await Promise.all([1, 2, 3].map((x) => n8n.webhook('later', { query: { x } })));
		await executionsSince(n8n, CALLERS.later, before.callers, 3, { status: ['waiting'], timeoutMs: 60_000 });
		const quick = await timedWebhook(n8n, 'add', { query: { a: 20, b: 22 } });
		expect([quick.status, quick.body]).toEqual([200, { sum: 42 }]);
		expect(quick.seconds).toBeLessThan(15);
		const callers = await finished(n8n, CALLERS.later, before.callers, 3, 180_000);
		const values = callers.map((execution) => nodeOutput(execution, 'Call later')[0].json);
		expect(values.sort((a, b) => a.x - b.x)).toEqual([1, 2, 3].map((x) => ({ x, waited: true })));
		expect(callers.map((execution) => execution.status)).toEqual(['success', 'success', 'success']);
	}, 300_000);
});

describe('queue mode, one worker at --concurrency=1: calls whose functions wait', () => {
	let n8n;

	beforeAll(async () => {
		n8n = await startN8nTopology({
			mode: 'queue',
			workers: 1,
			workerConcurrency: 1,
			install: 'package',
			workflowFiles: [FILES.add, FILES.callAdd, FILES.approve, FILES.callers],
		});
		await n8n.timer.time('activate', () =>
			activateAll(n8n, [{ file: FILES.add, name: 'add' }, { file: FILES.approve, name: 'approve' }], [FILES.callAdd]),
		);
		for (const id of [CALLERS.async, CALLERS.items]) await n8n.activate(id);
	}, 360_000);

	afterAll(() => n8n?.stop(), 90_000);

	test('three callers park in the one slot in turn; a quick call is answered meanwhile; main and worker restarted while they are parked, every call is answered afterwards', async () => {
		const approve = idOf(FILES.approve);
		const before = { functions: await executionIds(n8n, approve), callers: await executionIds(n8n, CALLERS.async) };
		await Promise.all([21, 22, 23].map((amount) => n8n.webhook('approve/async', { query: { amount } })));
		await executionsSince(n8n, CALLERS.async, before.callers, 3, { status: ['waiting'] });
		const parked = await executionsSince(n8n, approve, before.functions, 3, { status: ['waiting'] });

		const quick = await timedWebhook(n8n, 'add', { query: { a: 40, b: 2 } });
		expect([quick.status, quick.body]).toEqual([200, { sum: 42 }]);
		expect(quick.seconds).toBeLessThan(15);

		await n8n.stopMain();
		await n8n.restartWorkers();
		await n8n.startMain();
		await waitForLiveFunctions(n8n, [{ name: 'approve', workflowId: approve }]);

		for (const { url, amount } of await approvalUrls(n8n, parked)) await decide(url, amount !== 22);
		const callers = await finished(n8n, CALLERS.async, before.callers, 3, 120_000);
		const decisions = callers.map((execution) => nodeOutput(execution, 'Call approve')[0].json);
		expect(decisions.sort((a, b) => a.amount - b.amount)).toEqual([
			{ approved: true, amount: 21 },
			{ approved: false, amount: 22 },
			{ approved: true, amount: 23 },
		]);
		expect(callers.map((execution) => execution.status)).toEqual(['success', 'success', 'success']);
	}, 360_000);
});
