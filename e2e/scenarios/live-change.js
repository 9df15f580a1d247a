// Scenario 10's tools: the function liveGreet(name) and its caller, changed the way a user
// changes them in the editor (save, then publish) and seen the way the editor sees them.
'use strict';
const { GLOBAL, workflowFile, idOf, functionChoices, parameterFields, timedWebhook } = require('../support/functions');
const { waitUntil } = require('../support/wait-until');

const LIVE_FILES = {
	liveGreet: workflowFile('live-change-greet.json'),
	liveCaller: workflowFile('live-change-caller.json'),
};
const LIVE_FUNCTIONS = [{ file: LIVE_FILES.liveGreet, name: 'liveGreet' }];
const LIVE_CALLERS = [LIVE_FILES.liveCaller];

const liveGreetId = () => idOf(LIVE_FILES.liveGreet);
const liveCallerId = () => idOf(LIVE_FILES.liveCaller);

/** liveGreet in the caller's "Function" dropdown: [{name, value, description}] */
const liveGreetChoices = (n8n) => functionChoices(n8n, { workflow: GLOBAL, callerWorkflowId: liveCallerId(), filter: 'liveGreet' });

/** liveGreet's generated fields in the caller, as [id, type, required]. */
async function liveGreetFields(n8n) {
	const { fields } = await parameterFields(n8n, { workflow: GLOBAL, fn: 'liveGreet', callerWorkflowId: liveCallerId() });
	return fields.map((field) => [field.id, field.type, field.required]);
}

/** GET /webhook/live?name=…: the caller answers with liveGreet's value or `{error}` (timeout 60 s). */
const callLiveGreet = (n8n, name, query = {}) => timedWebhook(n8n, 'live', { query: { name, ...query }, timeoutMs: 90_000 });

/**
 * Changes liveGreet as a user does in the editor: adds a parameter to its Function node and
 * sets what Return from Function returns, saves, and publishes the saved version.
 */
async function changeLiveGreet(n8n, { addParameter, returnValue }) {
	const saved = await n8n.rest.saveWorkflow(liveGreetId(), (workflow) => {
		workflow.nodes.find((node) => node.name === 'liveGreet').parameters.parameters.parameter.push(addParameter);
		workflow.nodes.find((node) => node.name === 'Return greeting').parameters.value = returnValue;
	});
	await n8n.rest.publish(liveGreetId(), saved.versionId);
}

/**
 * Adds the optional parameter `punctuation` (default "!") to liveGreet, which then returns
 * version 2, and waits until Call Function's dropdown shows the new signature.
 */
async function addPunctuation(n8n) {
	await changeLiveGreet(n8n, {
		addParameter: { name: 'punctuation', type: 'string', defaultValue: '!' },
		returnValue: "={{ { greeting: 'Hello ' + $json.name + $json.punctuation, version: 2 } }}",
	});
	await waitUntil(
		"Call Function's dropdown showing liveGreet's new signature",
		async () => (await liveGreetChoices(n8n))[0]?.name === 'liveGreet(name: string, punctuation?: string) – Greets, slowly',
		{ timeoutMs: 30_000, intervalMs: 250 },
	);
}

module.exports = {
	LIVE_FILES,
	LIVE_FUNCTIONS,
	LIVE_CALLERS,
	liveGreetId,
	liveCallerId,
	liveGreetChoices,
	liveGreetFields,
	callLiveGreet,
	changeLiveGreet,
	addPunctuation,
};
