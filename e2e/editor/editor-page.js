// n8n's editor as a workflow author uses it, one step per method: sign in, open a workflow,
// add a node after another, pick from a node's lists, read what the canvas and the node
// panel show. Selectors are n8n 2.41's own `data-test-id`s wherever it has them.
'use strict';
const { OWNER } = require('../support/rest-client');

const STEP_TIMEOUT_MS = 30_000;

class EditorPage {
	/** @param {import('playwright-core').Page} page @param {string} baseUrl */
	constructor(page, baseUrl) {
		this.page = page;
		this.baseUrl = baseUrl;
		page.setDefaultTimeout(STEP_TIMEOUT_MS);
	}

	async signIn() {
		await this.page.goto(`${this.baseUrl}/signin`);
		await this.page.fill('input[name=emailOrLdapLoginId]', OWNER.email);
		await this.page.fill('input[name=password]', OWNER.password);
		await this.page.getByRole('button', { name: 'Sign in' }).click();
		await this.page.waitForURL((url) => !url.pathname.startsWith('/signin'));
	}

	/** Opens a workflow and waits until its canvas shows `nodeCount` nodes and stops moving. */
	async openWorkflow(workflowId, { nodeCount = 1 } = {}) {
		await this.page.goto(`${this.baseUrl}/workflow/${workflowId}`);
		await this.canvasNodes().nth(nodeCount - 1).waitFor();
		await this.settle();
		// n8n 2.x lets one tab edit a workflow; a tab closed a moment ago may still hold it.
		const editHere = this.page.getByRole('button', { name: 'Edit here' });
		if (await editHere.isVisible()) {
			await editHere.click();
			await this.settle();
		}
	}

	/** Opens one recorded execution of a workflow, as its Executions tab shows it. */
	async openExecution(workflowId, executionId, { nodeCount = 1 } = {}) {
		await this.page.goto(`${this.baseUrl}/workflow/${workflowId}/executions/${executionId}`);
		await this.canvasNodes().nth(nodeCount - 1).waitFor();
		await this.settle();
	}

	/** The canvas zooms to fit after loading; clicks during that miss. */
	async settle(ms = 800) {
		await this.page.waitForTimeout(ms);
	}

	canvasNodes() {
		return this.page.locator('[data-test-id=canvas-node]');
	}

	canvasNode(name) {
		return this.page.locator(`[data-test-id=canvas-node][data-node-name="${name}"]`);
	}

	/** The grey line under a node's name on the canvas. */
	async subtitleOf(name) {
		const subtitle = this.canvasNode(name).locator('div[class*="_subtitle_"]');
		return (await subtitle.count()) === 0 ? '' : (await subtitle.innerText()).trim();
	}

	/** The "+" after node `after`, the node creator's search, the package's node-details card. */
	async addNodeAfter(after, nodeDisplayName) {
		await this.canvasNode(after).locator('[data-test-id=canvas-handle-plus]').click();
		await this.page.locator('[data-test-id=node-creator-search-bar]').waitFor();
		await this.page.keyboard.type(nodeDisplayName);
		await this.page.locator('[data-test-id=node-creator-node-item]').filter({ hasText: nodeDisplayName }).first().click();
		// A community node shows its details card first ("Installed", "Add to workflow").
		await this.page.getByRole('button', { name: 'Add to workflow' }).click();
		await this.nodePanel().waitFor();
	}

	async openNode(name) {
		await this.canvasNode(name).dblclick();
		await this.nodePanel().waitFor();
		await this.settle(500);
	}

	async closeNode() {
		await this.page.locator('[data-test-id=ndv-close-button]').click();
		await this.nodePanel().waitFor({ state: 'hidden' });
	}

	nodePanel() {
		return this.page.locator('[data-test-id=ndv]');
	}

	/** Where the node panel's "Docs" link leads. */
	async docsLink() {
		return await this.nodePanel().getByRole('link', { name: 'Docs' }).first().getAttribute('href');
	}

	/** Whether the node panel offers any credential (n8n shows its selector above the parameters). */
	async showsCredential() {
		return (await this.nodePanel().locator('[data-test-id=node-credentials-select], [data-test-id=node-credentials-empty-state]').count()) > 0;
	}

	/** Opens a resource locator's list and returns its entries, or the list's error text. */
	async openList(parameterName) {
		await this.nodePanel().locator(`[data-test-id=resource-locator-${parameterName}] [data-test-id=rlc-input]`).click();
		const entries = this.listEntries();
		const error = this.page.locator('[data-test-id=rlc-error-container]:visible');
		await entries.first().or(error).waitFor();
		if ((await error.count()) > 0) return { entries: [], error: (await error.innerText()).replace(/\s+/g, ' ').trim() };
		return { entries: (await entries.allInnerTexts()).map((text) => text.trim()), error: null };
	}

	/** The entries of the list open now (it lives outside the node panel, in a popover). */
	listEntries() {
		return this.page.locator('[data-test-id=rlc-item]:visible');
	}

	async closeList() {
		await this.page.keyboard.press('Escape');
		await this.listEntries().first().waitFor({ state: 'hidden' });
	}

	async pickFromList(parameterName, entryText) {
		const { entries, error } = await this.openList(parameterName);
		if (error) throw new Error(`the list of "${parameterName}" did not load: ${error}`);
		const match = entries.find((entry) => entry.startsWith(entryText));
		if (!match) throw new Error(`the list of "${parameterName}" has no entry starting with "${entryText}": ${JSON.stringify(entries)}`);
		await this.listEntries().filter({ hasText: match }).first().click();
	}

	/** The resource mapper's generated fields: label and the kind of input n8n made for each. */
	async mapperFields() {
		const container = this.nodePanel().locator('[data-test-id=mapping-fields-container]');
		await container.locator('.parameter-item').first().waitFor();
		return await container.locator('.parameter-item').evaluateAll((items) =>
			items.map((item) => ({
				label: item.querySelector('label span')?.textContent.trim() ?? '',
				input: item.querySelector('[data-test-id=input-number]') ? 'number' : item.querySelector('input[type=text], textarea') ? 'text' : 'other',
			})),
		);
	}

	/** Drags the right edge of the node panel's parameters column, as a user widens (or narrows) it. */
	async widenParameters(px) {
		const edge = this.nodePanel().locator('[data-dir=right]').first();
		const box = await edge.boundingBox();
		if (!box) throw new Error('the parameters column of the node panel has no right edge to drag');
		const y = box.y + box.height / 2;
		await this.page.mouse.move(box.x + box.width / 2, y);
		await this.page.mouse.down();
		await this.page.mouse.move(box.x + box.width / 2 + px, y, { steps: 10 });
		await this.page.mouse.up();
		await this.settle(300);
	}

	/** Types a value into a generated field (by parameter id). */
	async fillField(parameterId, value) {
		const input = this.nodePanel().locator(`[data-test-id="parameter-input-${parameterId}"] input`).first();
		await input.click();
		await input.fill(String(value));
		await input.press('Tab');
	}

	/** "Execute step" in the node panel; resolves once its output panel shows `expectedText`. */
	async executeStep(expectedText) {
		await this.nodePanel().locator('[data-test-id=node-execute-button]').click();
		await this.outputPanel().getByText(expectedText).first().waitFor();
	}

	outputPanel() {
		return this.nodePanel().locator('[data-test-id=output-panel]');
	}

	/** Switches the output panel to its JSON view (what the README's screenshots show). */
	async showOutputAsJson() {
		await this.outputPanel().locator('[data-test-id=radio-button-json]').click();
	}

	/** Saves the workflow (n8n 2.x also saves by itself after a change). */
	async save() {
		await this.page.keyboard.press('Control+s');
		await this.settle(1000);
	}

	/** Closes what n8n pops up for a moment (toasts, the production checklist) and parks the mouse. */
	async tidyForScreenshot() {
		for (const close of await this.page.locator('.el-notification__closeBtn:visible, [data-test-id=suggested-actions-close]:visible').all()) {
			await close.click().catch(() => {}); // it may close by itself meanwhile
		}
		await this.page.mouse.move(this.page.viewportSize().width - 5, this.page.viewportSize().height - 5);
		await this.settle(400);
	}

	async screenshot(file) {
		await this.page.screenshot({ path: file });
	}
}

module.exports = { EditorPage };
