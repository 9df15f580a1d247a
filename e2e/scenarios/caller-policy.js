// 23. Who may call a function: two users, each with a personal project (the owner, and a
// member invited through n8n's REST API the way the editor invites one). The owner's
// global functions carry the caller policies of their workflows ("This workflow can be
// called by"); the member's and the owner's workflows call them through production webhooks.
// A call is allowed exactly where n8n would let the caller run the function's workflow with
// Execute Workflow, refused at once otherwise, and a refused call starts no execution.
'use strict';
const { randomUUID } = require('node:crypto');
const { RestClient } = require('../support/rest-client');
const { GLOBAL, errorOf, executionIds, functionChoices } = require('../support/functions');
const { waitUntil } = require('../support/wait-until');

const MEMBER = { email: 'member@e2e.test', firstName: 'Mia', lastName: 'Member', password: 'E2e-member-password-1' };

/** The owner's functions, one workflow each, by the policy its settings give (none: n8n's default). */
const POLICIES = {
	policyDefault: undefined,
	policyAny: 'any',
	policyListed: 'workflowsFromAList',
	policyNone: 'none',
};

/** A workflow serving the global function `name` (no parameters), answering {ran: name}. */
function functionWorkflow(name, callerPolicy) {
	return {
		name: `Caller policy: ${name}`,
		nodes: [
			{
				id: randomUUID(),
				name,
				type: 'n8n-nodes-functions.functionTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: { functionName: name, scope: 'global', parameters: {} },
			},
			{
				id: randomUUID(),
				name: 'Return',
				type: 'n8n-nodes-functions.returnFromFunction',
				typeVersion: 1,
				position: [240, 0],
				parameters: { respondWith: 'jsonValue', value: `={{ { ran: '${name}' } }}` },
			},
		],
		connections: { [name]: { main: [[{ node: 'Return', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1', ...(callerPolicy && { callerPolicy }) },
	};
}

/** A workflow with one webhook per function, `GET /webhook/<prefix>/<function>`, answering its value or error. */
function callerWorkflow(prefix, functions) {
	const nodes = [];
	const connections = {};
	functions.forEach((fn, row) => {
		const webhook = `Webhook ${fn}`;
		const call = `Call ${fn}`;
		nodes.push(
			{
				id: randomUUID(),
				name: webhook,
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, row * 200],
				webhookId: randomUUID(),
				parameters: { path: `${prefix}/${fn}`, responseMode: 'lastNode', options: {} },
			},
			{
				id: randomUUID(),
				name: call,
				type: 'n8n-nodes-functions.callFunction',
				typeVersion: 1,
				position: [240, row * 200],
				onError: 'continueRegularOutput',
				parameters: {
					workflow: { __rl: true, mode: 'list', value: GLOBAL, cachedResultName: 'Global Functions' },
					function: { __rl: true, mode: 'list', value: fn, cachedResultName: fn },
					parametersMode: 'json',
					parametersJson: '={{ {} }}',
					options: {},
				},
			},
		);
		connections[webhook] = { main: [[{ node: call, type: 'main', index: 0 }]] };
	});
	return { name: `Caller policy: ${prefix} callers`, nodes, connections, settings: { executionOrder: 'v1' } };
}

/** Invites the member as the owner, and accepts as the member: a client logged in as them. */
async function inviteMember(n8n) {
	const [invited] = await n8n.rest.request('POST', '/invitations', [{ email: MEMBER.email, role: 'global:member' }]);
	const { inviteAcceptUrl } = invited.user; // there when no email was sent (no SMTP set up)
	const token = new URL(inviteAcceptUrl).searchParams.get('token');
	const member = new RestClient(n8n.baseUrl);
	const { firstName, lastName, password } = MEMBER;
	await member.request('POST', '/invitations/accept', { token, firstName, lastName, password });
	if (!member.cookie) throw new Error('accepting the invitation set no n8n-auth cookie');
	return member;
}

/** Creates a workflow in the client's personal project and publishes it. */
async function createActive(client, workflow) {
	const { id } = await client.request('POST', '/workflows', workflow);
	await client.activate(id);
	return id;
}

/** What a caller's webhook answers: the function's value, or the error Call Function put out. */
async function callThrough(n8n, path) {
	const response = await n8n.webhook(path, { timeoutMs: 60_000 });
	const item = Array.isArray(response.body) ? response.body[0] : response.body;
	return typeof item?.error === 'string' ? { error: errorOf(response) } : { value: item };
}

/** Calls until the function is served (published triggers start a moment later): its first real answer. */
async function whenServed(n8n, path) {
	let outcome;
	await waitUntil(
		`${path} reaches a served function`,
		async () => {
			outcome = await callThrough(n8n, path);
			return !/No function|is not active/.test(outcome.error ?? '');
		},
		{ timeoutMs: 60_000, intervalMs: 500, hint: () => JSON.stringify(outcome) },
	);
	return outcome;
}

function defineCallerPolicyScenarios(getN8n) {
	describe('23. who may call a function', () => {
		const ids = {};
		let member;

		beforeAll(async () => {
			const n8n = getN8n();
			member = await inviteMember(n8n);
			// The member's callers exist first: the listed one is named in policyListed's settings.
			ids.memberCallers = await createActive(member, callerWorkflow('policy-member', Object.keys(POLICIES)));
			ids.memberUnlisted = await createActive(member, callerWorkflow('policy-unlisted', ['policyListed']));
			ids.ownerCallers = await createActive(n8n.rest, callerWorkflow('policy-owner', Object.keys(POLICIES)));
			for (const [name, policy] of Object.entries(POLICIES)) {
				const workflow = functionWorkflow(name, policy);
				if (name === 'policyListed') workflow.settings.callerIds = `someOtherId, ${ids.memberCallers}`;
				ids[name] = await createActive(n8n.rest, workflow);
			}
			for (const name of Object.keys(POLICIES)) await whenServed(n8n, `policy-owner/${name}`);
		}, 180_000);

		test("a member's workflow calling the owner's function: refused under n8n's default policy, allowed under \"any\"", async () => {
			const n8n = getN8n();
			const before = await executionIds(n8n, ids.policyDefault);
			const refused = await callThrough(n8n, 'policy-member/policyDefault');
			expect(refused.error).toMatch(
				new RegExp(`^Workflow 'Caller policy: policy-member callers' \\(id ${ids.memberCallers}\\) may not call the global function 'policyDefault'`),
			);
			expect(refused.error).toContain(`its workflow 'Caller policy: policyDefault' (id ${ids.policyDefault}), in project 'E2e Owner <owner@e2e.test>'`);
			expect(refused.error).toContain('"This workflow can be called by": "Only workflows in the same project"');
			expect(refused.error).toContain(`"Selected workflows" with this workflow's id (${ids.memberCallers})`);
			expect(await callThrough(n8n, 'policy-owner/policyDefault')).toEqual({ value: { ran: 'policyDefault' } });
			expect(await callThrough(n8n, 'policy-member/policyAny')).toEqual({ value: { ran: 'policyAny' } });
			// The owner's own call ran; the refused one started nothing.
			const recorded = async () => (await executionIds(n8n, ids.policyDefault)).size;
			await waitUntil("the owner's call recorded", async () => (await recorded()) === before.size + 1, { timeoutMs: 30_000 });
			await new Promise((resolve) => setTimeout(resolve, 1000)); // time for a wrongly queued call to show
			expect(await recorded()).toBe(before.size + 1);
		}, 120_000);

		test('"workflowsFromAList" lets in exactly the listed workflow, and "none" refuses everyone', async () => {
			const n8n = getN8n();
			expect(await callThrough(n8n, 'policy-member/policyListed')).toEqual({ value: { ran: 'policyListed' } });
			const unlisted = await callThrough(n8n, 'policy-unlisted/policyListed');
			expect(unlisted.error).toContain(`lets only the workflows it lists call it (someOtherId, ${ids.memberCallers})`);
			// Listed by id, not by project: the owner's own other workflow is not on the list.
			expect((await callThrough(n8n, 'policy-owner/policyListed')).error).toContain('may not call');
			for (const caller of ['policy-member', 'policy-owner']) {
				const refused = await callThrough(n8n, `${caller}/policyNone`);
				expect(refused.error).toContain('lets no workflow call it ("This workflow can be called by": "No other workflows")');
			}
			expect(await n8n.executions(ids.policyNone)).toEqual([]);
		}, 120_000);

		test("the member's dropdown offers only the functions its workflow may call", async () => {
			const n8n = getN8n();
			const memberSees = { rest: member, nodeType: n8n.nodeType };
			const offered = await functionChoices(memberSees, { workflow: GLOBAL, callerWorkflowId: ids.memberCallers });
			const names = offered.map((choice) => choice.value).filter((name) => name in POLICIES);
			expect(names.sort()).toEqual(['policyAny', 'policyListed']);
			const ownerOffered = await functionChoices(n8n, { workflow: GLOBAL, callerWorkflowId: ids.ownerCallers });
			expect(ownerOffered.map((choice) => choice.value).filter((name) => name in POLICIES).sort()).toEqual(['policyAny', 'policyDefault']);
		}, 60_000);
	});
}

module.exports = { defineCallerPolicyScenarios };
