// What the tests ask n8n about functions, the way a user sees them: Call Function's dropdowns
// and generated fields (n8n's dynamic node parameters endpoints, as the editor asks), the
// error a caller workflow answers with, and the executions n8n recorded.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { waitUntil } = require('./wait-until');

const GLOBAL = '__global__';
const THIS_WORKFLOW = '__this__';
const workflowsDir = path.join(__dirname, '..', 'workflows');

/** A workflow file of e2e/workflows. */
const workflowFile = (name) => path.join(workflowsDir, name);

/** The id of the (first) workflow in a workflow file. */
const idOf = (file) => [JSON.parse(fs.readFileSync(file, 'utf8'))].flat()[0].id;

/**
 * The parameters the editor sends for a Call Function node being edited in workflow
 * `callerWorkflowId`: its "Workflow" and "Function" choices, `$workflow.id` resolved.
 */
function callFunctionNodeParameters({ workflow, fn = '', callerWorkflowId }) {
	return {
		currentWorkflowId: callerWorkflowId,
		workflow: { __rl: true, mode: 'list', value: workflow },
		function: { __rl: true, mode: 'list', value: fn },
		parametersMode: 'fields',
		mode: 'each',
		options: {},
	};
}

function askCallFunction(n8n, kind, parameterPath, methodName, { workflow, fn, callerWorkflowId, filter }) {
	return n8n.rest.dynamicParameters(kind, {
		nodeType: n8n.nodeType('callFunction'),
		path: parameterPath,
		methodName,
		parameters: callFunctionNodeParameters({ workflow, fn, callerWorkflowId }),
		workflowId: callerWorkflowId,
		filter,
	});
}

/** The "Workflow" dropdown of a Call Function node in workflow `callerWorkflowId`. */
async function workflowChoices(n8n, { callerWorkflowId }) {
	const { results } = await askCallFunction(n8n, 'resource-locator-results', 'parameters.workflow', 'searchWorkflows', { workflow: '', callerWorkflowId });
	return results;
}

/** The "Function" dropdown once "Workflow" is chosen. */
async function functionChoices(n8n, { workflow, callerWorkflowId, filter }) {
	const { results } = await askCallFunction(n8n, 'resource-locator-results', 'parameters.function', 'searchFunctions', { workflow, callerWorkflowId, filter });
	return results;
}

/** The generated "Parameters" fields once a function is chosen. */
function parameterFields(n8n, { workflow, fn, callerWorkflowId }) {
	return askCallFunction(n8n, 'resource-mapper-fields', 'parameters.arguments', 'getParameterFields', { workflow, fn, callerWorkflowId });
}

/** A Function dropdown entry ("name(signature) – description") for a function a trigger serves now. */
function isLiveChoice(choice, name) {
	const [nameAndSignature] = choice.name.split(' – ');
	return choice.value === name && !nameAndSignature.endsWith(' (inactive)');
}

/**
 * Waits until every function is offered in Call Function's dropdown as live (not "(inactive)"),
 * as seen from a Call Function node in the function's own workflow: publishing is asynchronous
 * in n8n 2.x, so an activated workflow serves a moment later.
 * @param {{name: string, workflowId: string, local?: boolean}[]} functions
 */
function waitForLiveFunctions(n8n, functions, { timeoutMs = 60_000 } = {}) {
	const missing = new Set(functions);
	return waitUntil(
		"functions offered as live in Call Function's dropdown",
		async () => {
			for (const f of [...missing]) {
				const workflow = f.local ? THIS_WORKFLOW : GLOBAL;
				const choices = await functionChoices(n8n, { workflow, callerWorkflowId: f.workflowId, filter: f.name });
				if (choices.some((choice) => isLiveChoice(choice, f.name))) missing.delete(f);
			}
			return missing.size === 0;
		},
		{ timeoutMs, intervalMs: 300, hint: () => `still missing: ${[...missing].map((f) => f.name).join(', ')}` },
	);
}

/** The `error` a caller workflow (Call Function with "On Error: Continue") answered with. */
function errorOf(response) {
	const item = Array.isArray(response.body) ? response.body[0] : response.body;
	if (response.status !== 200 || typeof item?.error !== 'string') {
		throw new Error(`expected an answer {error: "..."}, got ${response.status} ${response.text.slice(0, 300)}`);
	}
	return item.error;
}

/** Calls a webhook and measures how long the answer took. */
async function timedWebhook(n8n, webhookPath, options) {
	const started = Date.now();
	const response = await n8n.webhook(webhookPath, options);
	return { ...response, seconds: (Date.now() - started) / 1000 };
}

const UNFINISHED = new Set(['new', 'running', 'waiting']);

/** Ids of the executions n8n recorded for a workflow so far, to tell later ones apart. */
async function executionIds(n8n, workflowId) {
	return new Set((await n8n.executions(workflowId)).map((execution) => execution.id));
}

/**
 * Waits until `count` executions of the workflow that are not in `before` are recorded as
 * finished; returns them with their data, oldest first.
 */
async function newExecutions(n8n, workflowId, before, { count = 1, timeoutMs = 30_000 } = {}) {
	let fresh = [];
	await waitUntil(
		`${count} new finished execution(s) of workflow ${workflowId} in GET /rest/executions`,
		async () => {
			fresh = (await n8n.executions(workflowId)).filter((execution) => !before.has(execution.id));
			return fresh.length >= count && fresh.every((execution) => !UNFINISHED.has(execution.status));
		},
		{ timeoutMs, intervalMs: 300, hint: () => `recorded so far: ${JSON.stringify(fresh.map(({ id, status }) => ({ id, status })))}` },
	);
	return Promise.all(fresh.reverse().map((execution) => n8n.rest.execution(execution.id)));
}

/** The items a node output in an execution (its first run, first output). */
function nodeOutput(execution, nodeName) {
	const runs = execution.data.resultData.runData[nodeName];
	if (!runs) throw new Error(`node "${nodeName}" did not run in execution ${execution.id}`);
	return runs[0].data.main[0];
}

module.exports = {
	executionIds,
	newExecutions,
	nodeOutput,
	GLOBAL,
	THIS_WORKFLOW,
	workflowFile,
	idOf,
	workflowChoices,
	functionChoices,
	parameterFields,
	waitForLiveFunctions,
	errorOf,
	timedWebhook,
};
