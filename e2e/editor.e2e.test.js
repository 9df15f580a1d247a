// The package in n8n's own editor, driven by headless Chromium the way a new user clicks
// through it (e2e/editor/tour.js, which also takes the README's screenshots): no credential
// exists, yet Call Function lists the functions and generates typed fields; the canvas and
// the function's execution say what happened.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { launchBrowser } = require('./editor/browser');
const { startEditorTopology } = require('./editor/editor-topology');
const { EditorPage } = require('./editor/editor-page');
const { INVOICE_ID, TOUR_FUNCTION, takeEditorTour } = require('./editor/tour');
const { nodeOutput } = require('./support/functions');

describe('the editor: queue mode, package from its tarball, headless Chromium, no credential', () => {
	let n8n;
	let browser;
	let seen;

	beforeAll(async () => {
		n8n = await startEditorTopology();
		browser = await launchBrowser();
		const editor = new EditorPage(await browser.context.newPage(), n8n.baseUrl);
		// The run folder keeps the screenshots of a failing run next to n8n's logs.
		const screenshots = path.join(n8n.run.dir, 'screenshots');
		fs.mkdirSync(screenshots, { recursive: true });
		await editor.signIn();
		seen = await n8n.timer.time('editor tour', () => takeEditorTour(editor, n8n, screenshots));
	}, 360_000);

	afterAll(async () => {
		await browser?.close();
		await n8n?.stop();
	}, 90_000);

	test('a new Call Function offers no credential and still lists "Global Functions", "This Workflow (<its name>)" and the functions with their signature and description', () => {
		expect(seen.credentialOffered).toBe(false);
		expect(seen.workflowList).toEqual({ entries: ['Global Functions', 'This Workflow (Invoice)'], error: null });
		expect(seen.functionList).toEqual({
			entries: ['formatPrice(amount: number, currency?: string) – Formats an amount of money for an invoice'],
			error: null,
		});
	});

	test('the chosen function generates one field per parameter, labelled with its type, required or default, and description, with an input of its type', () => {
		expect(seen.fields).toEqual([
			{ label: 'amount (number, required): The amount, e.g. 12.5', input: 'number' },
			{ label: 'currency (string, default "EUR"): ISO 4217 currency code', input: 'text' },
		]);
	});

	test('the Function node of the active workflow says it is serving, and where its calls come from', () => {
		expect(seen.functionPanelText).toContain('Waiting for calls from Call Function nodes');
		expect(seen.functionPanelText).toContain('Serving: its calls come through the Redis stream fn:{<scope>/<name>}:calls in queue mode');
	});

	test("the node panel's Docs link leads to the README's section on Call Function", () => {
		expect(seen.docsLink).toBe('https://www.npmjs.com/package/n8n-nodes-functions#call-function');
	});

	test('the canvas says what each node does: "Call formatPrice", and Return from Function\'s "JSON Value"', () => {
		expect(seen.callSubtitle).toBe('Call formatPrice');
		expect(seen.returnSubtitle).toBe('JSON Value');
	});

	test("the function's execution shows what Return from Function sent back, and to which call", () => {
		const [output] = nodeOutput(seen.functionExecution, 'Return from Function');
		expect(output.json).toEqual({ returned: { text: '12.50 EUR' }, call: { function: 'formatPrice', callId: expect.any(String) } });
		// …and the editor shows it there (its JSON view, one value per line).
		expect(seen.returnOutputText).toMatch(/"returned":[\s\S]*"12\.50 EUR"[\s\S]*"call":[\s\S]*"formatPrice"/);
	});

	test("the caller's run links to the function's execution, and that execution back to it", async () => {
		// n8n's own links, as for Execute Workflow: the caller's node run names its
		// sub-execution (the editor counts it: "1 item, 1 sub-execution"), and the function's
		// first node its parent execution.
		expect(seen.callOutputText).toMatch(/1 item, 1 sub-execution/);
		const [trigger] = seen.functionExecution.data.resultData.runData.formatPrice;
		const parent = trigger.metadata?.parentExecution;
		expect(parent).toMatchObject({ executionId: expect.any(String), workflowId: INVOICE_ID });
		const caller = await n8n.rest.execution(parent.executionId);
		const [call] = caller.data.resultData.runData['Call Function'];
		expect(call.data.main[0][0].metadata).toEqual({
			subExecution: { executionId: seen.functionExecution.id, workflowId: TOUR_FUNCTION.workflowId },
		});
	});
});
