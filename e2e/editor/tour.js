// One walk through n8n's editor as a new user of the package takes it, with no credential
// anywhere: look at a function, add a Call Function to a workflow, pick the function from its
// lists, fill its fields, run it, then read the function's execution. It records what the
// editor showed (the editor test asserts on that) and takes the README's screenshots on the way.
'use strict';
const path = require('node:path');
const { workflowFile, idOf, executionIds, newExecutions } = require('../support/functions');

/** The workflows the tour needs: a global function, and a workflow that will call it. */
const TOUR_FILES = {
	formatPrice: workflowFile('editor-format-price.json'),
	invoice: workflowFile('editor-invoice.json'),
};
const TOUR_FUNCTION = { file: TOUR_FILES.formatPrice, name: 'formatPrice', workflowId: idOf(TOUR_FILES.formatPrice) };
const INVOICE_ID = idOf(TOUR_FILES.invoice);

/** The README's pictures, in the order the tour takes them (docs/images/<name>.png). */
const SCREENSHOTS = {
	functionNode: 'function-trigger',
	functionList: 'call-function-list',
	fields: 'call-function-fields',
	canvas: 'call-function-canvas',
	returnOutput: 'return-from-function-output',
};

/**
 * @param {import('./editor-page').EditorPage} editor signed in
 * @param {object} n8n the running topology (startN8nTopology)
 * @param {string|undefined} screenshotDir where the PNGs go; none: no screenshots
 */
async function takeEditorTour(editor, n8n, screenshotDir) {
	const shot = async (name) => {
		if (!screenshotDir) return;
		await editor.tidyForScreenshot();
		await editor.screenshot(path.join(screenshotDir, `${name}.png`));
	};
	const seen = {};

	// The function as its author defined it.
	await editor.openWorkflow(TOUR_FUNCTION.workflowId, { nodeCount: 2 });
	seen.returnSubtitle = await editor.subtitleOf('Return from Function');
	await editor.openNode('formatPrice');
	seen.functionPanelText = await editor.nodePanel().innerText();
	await shot(SCREENSHOTS.functionNode);
	await editor.closeNode();

	// A new Call Function in another workflow, as a new user adds it: no credential exists.
	await editor.openWorkflow(INVOICE_ID, { nodeCount: 2 });
	await editor.addNodeAfter('Invoice line', 'Call Function');
	seen.credentialOffered = await editor.showsCredential();
	seen.docsLink = await editor.docsLink();
	seen.workflowList = await editor.openList('workflow');
	await editor.closeList();
	await editor.pickFromList('workflow', 'Global Functions');
	seen.functionList = await editor.openList('function');
	await shot(SCREENSHOTS.functionList);
	await editor.closeList();
	await editor.pickFromList('function', 'formatPrice');
	seen.fields = await editor.mapperFields();

	// Run it from the node, as a user tries a node out.
	const before = await executionIds(n8n, TOUR_FUNCTION.workflowId);
	await editor.fillField('amount', 12.5);
	await editor.executeStep('12.50 EUR');
	// The call's link to the function's execution, as n8n shows Execute Workflow's.
	seen.callOutputText = await editor.outputPanel().innerText();
	await editor.showOutputAsJson();
	// n8n cuts a field's label to about 30 characters at its default width; wider, it shows all.
	await editor.widenParameters(260);
	await shot(SCREENSHOTS.fields);
	await editor.widenParameters(-260); // n8n keeps the width for the next node panels
	await editor.closeNode();
	seen.callSubtitle = await editor.subtitleOf('Call Function');
	await editor.save();
	await shot(SCREENSHOTS.canvas);

	// The function's side: its execution, and what Return from Function shows there.
	const [execution] = await newExecutions(n8n, TOUR_FUNCTION.workflowId, before);
	seen.functionExecution = execution;
	await editor.openExecution(TOUR_FUNCTION.workflowId, execution.id, { nodeCount: 2 });
	await editor.openNode('formatPrice');
	seen.triggerOutputText = await editor.outputPanel().innerText();
	await editor.closeNode();
	await editor.openNode('Return from Function');
	await editor.showOutputAsJson();
	seen.returnOutputText = await editor.outputPanel().innerText();
	await shot(SCREENSHOTS.returnOutput);
	await editor.closeNode();
	return seen;
}

module.exports = { TOUR_FILES, TOUR_FUNCTION, INVOICE_ID, SCREENSHOTS, takeEditorTour };
