/**
 * Who may call a function: the Function trigger serves its workflow's caller policy ("This
 * workflow can be called by", n8n's default when unset) with the workflow's project, and
 * Call Function, its dropdowns and Function Tools let through exactly the workflows that
 * n8n would let run the function's workflow with Execute Workflow. Real addon, memory backend.
 */
import type { ILoadOptionsFunctions, INodeExecutionData, INodeListSearchResult } from 'n8n-workflow';

import { searchWorkflows } from '../../nodes/caller/editor-lists';
import { searchFunctions } from '../../nodes/CallFunction/search-methods';
import { offeredFunctions } from '../../nodes/FunctionTools/offered-functions';
import { callerIdentity } from '../../nodes/shared/caller-identity';
import {
	GLOBAL,
	type Outcome,
	PROJECT,
	type RunningFunction,
	callFunction,
	finish,
	functions,
	node,
	outcome,
	returnFromFunction,
	startFunction,
	useBackend,
} from './n8n-context';

useBackend('memory');

const OTHER_PROJECT = 'project-2';

/** Calls the global "add" from workflow `workflowId` of `projectId`; answers it if it runs. */
async function callAdd(add: RunningFunction, workflowId: string, projectId: string) {
	const before = add.emissions.length;
	const called = outcome(
		callFunction({
			items: [{ json: {} }],
			parameters: { parametersJson: { a: 1, b: 2 } },
			workflow: { id: workflowId, name: `Caller ${workflowId}` },
			projectId,
		}),
	);
	void add.emission(before).then(async (emission) => {
		await returnFromFunction({ items: emission.items });
		finish(emission);
	});
	const result = await called;
	return { result, ran: add.emissions.length - before };
}

function refusal(result: Outcome<INodeExecutionData[]>): string {
	if (!('error' in result)) throw new Error(`expected a refusal, got ${JSON.stringify(result.value)}`);
	return result.error.message;
}

describe('the caller policy of a function', () => {
	afterEach(() => {
		delete process.env.N8N_WORKFLOW_CALLER_POLICY_DEFAULT_OPTION;
	});

	it("is n8n's default when its workflow sets none: workflows of the same project only", async () => {
		const add = await startFunction();
		const same = await callAdd(add, 'wfSameProject', PROJECT);
		expect(same.result).toHaveProperty('value');
		expect(same.ran).toBe(1);

		const other = await callAdd(add, 'wfOtherProject', OTHER_PROJECT);
		const message = refusal(other.result);
		expect(message).toContain("Workflow 'Caller wfOtherProject' (id wfOtherProject) may not call the global function 'add'");
		expect(message).toContain("its workflow 'Math' (id wfMath), in project 'project-1'");
		expect(message).toContain('"This workflow can be called by": "Only workflows in the same project"');
		expect(message).toContain('"Selected workflows" with this workflow\'s id (wfOtherProject)');
		expect((other.result as { error: { description?: string } }).error.description).toContain(
			'"This workflow can be called by"',
		);
		expect(other.ran).toBe(0); // refused before anything was sent
	});

	it('follows N8N_WORKFLOW_CALLER_POLICY_DEFAULT_OPTION, as n8n does, for workflows that set none', async () => {
		process.env.N8N_WORKFLOW_CALLER_POLICY_DEFAULT_OPTION = 'any';
		const add = await startFunction();
		expect((await callAdd(add, 'wfOtherProject', OTHER_PROJECT)).result).toHaveProperty('value');
	});

	it('lets every workflow in with "any", and none with "none" (not even its own project)', async () => {
		const open = await startFunction({ settings: { callerPolicy: 'any' } });
		expect((await callAdd(open, 'wfOtherProject', OTHER_PROJECT)).result).toHaveProperty('value');
		await open.close();

		const closed = await startFunction({ settings: { callerPolicy: 'none' } });
		const refused = await callAdd(closed, 'wfSameProject', PROJECT);
		expect(refusal(refused.result)).toContain('lets no workflow call it');
		expect(refused.ran).toBe(0);
	});

	it('lets in exactly the listed workflows with "workflowsFromAList", whatever their project', async () => {
		const add = await startFunction({ settings: { callerPolicy: 'workflowsFromAList', callerIds: ' wfListed , wfAlsoListed' } });
		expect((await callAdd(add, 'wfListed', OTHER_PROJECT)).result).toHaveProperty('value');
		const unlisted = refusal((await callAdd(add, 'wfUnlisted', PROJECT)).result);
		expect(unlisted).toContain('lets only the workflows it lists call it (wfListed, wfAlsoListed)');
	});
});

/** The editor asking for a list, from a workflow of `projectId` (n8n puts it on the context). */
function editorContext(workflowId: string, projectId: string, workflowValue = GLOBAL): ILoadOptionsFunctions {
	return {
		getNode: () => node('Call Function', 'n8n-nodes-functions.callFunction'),
		getWorkflow: () => ({ id: workflowId, name: 'Edited', active: false }),
		getCurrentNodeParameter: (name: string) => (name === 'workflow' ? workflowValue : undefined),
		getCredentials: async () => {
			throw new Error('this node has no credential');
		},
		additionalData: { projectId },
	} as unknown as ILoadOptionsFunctions;
}

function names(list: INodeListSearchResult): string[] {
	return list.results.map((result) => String(result.value));
}

describe('the lists of functions', () => {
	it('offer a workflow only the functions it may call, in the dropdowns and as agent tools', async () => {
		await startFunction(); // "add": the default policy, project-1
		await startFunction({
			nodeName: 'mul',
			parameters: { functionName: 'mul' },
			workflow: { id: 'wfOpen', name: 'Open' },
			settings: { callerPolicy: 'any' },
		});

		const member = editorContext('wfMember', OTHER_PROJECT);
		expect(names(await searchFunctions.call(member))).toEqual(['mul']);
		const colleague = editorContext('wfColleague', PROJECT);
		expect(names(await searchFunctions.call(colleague))).toEqual(['add', 'mul']);
		expect(names(await searchWorkflows.call(member))).toContain(GLOBAL);

		const selection = { scope: GLOBAL, mode: 'all' as const, names: [] };
		const memberTools = await offeredFunctions(functions(), selection, await callerIdentity(member));
		expect(memberTools.map((info) => info.name)).toEqual(['mul']);
		expect(memberTools[0].callerPolicy).toBe('any');
		// A caller outside n8n, with no identity, sees everything listed (it cannot call "add").
		expect((await functions().list(GLOBAL)).map((info) => info.name).sort()).toEqual(['add', 'mul']);
	});
});
