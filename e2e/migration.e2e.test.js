// Moving from n8n-nodes-function: workflows as the old package left them (workflows/old-package/,
// an `n8n export:workflow --separate` folder, node types of both prefixes) are migrated by the
// package's own command, imported with `n8n import:workflow` into n8n 2.41.1 running this
// package (regular mode: one process, SQLite, the package as a custom extension), activated,
// and called through webhooks. Each call answers what the old package's function answered for
// the same input, as read in its source (n8n-nodes-function 0.2.1), written down here.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { waitForLiveFunctions } = require('./support/functions');
const { startN8nTopology } = require('./support/topology');
const { waitUntil } = require('./support/wait-until');

const repoRoot = path.join(__dirname, '..');
const command = path.join(repoRoot, 'dist', 'cli', 'n8n-functions.js');
const oldExport = path.join(__dirname, 'workflows', 'old-package');

const MATH = 'e2eMigMath01';
const SHOP = 'e2eMigShop01';
const ATTENTION = 'e2eMigAttn01';
const BROKEN = 'e2eMigBroken1';

/** Runs `n8n-functions migrate` as a user does, on a copy of the export. */
function migrateCopyOfExport() {
	const folder = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-functions-migration-')), 'export');
	fs.cpSync(oldExport, folder, { recursive: true });
	const run = spawnSync(process.execPath, [command, 'migrate', folder], { encoding: 'utf8' });
	return { ...run, folder, migratedFolder: `${folder}-migrated` };
}

describe('migration from n8n-nodes-function: migrated, imported, activated and called in n8n 2.41.1', () => {
	let n8n;
	let migration;

	beforeAll(async () => {
		if (!fs.existsSync(command)) throw new Error(`no ${command}: run \`npm run build\` first`);
		migration = migrateCopyOfExport();
		const files = fs.readdirSync(migration.migratedFolder).filter((file) => file.endsWith('.json'));
		n8n = await startN8nTopology({ mode: 'regular', install: 'extension', workflowFiles: files.map((file) => path.join(migration.migratedFolder, file)) });
		if (!n8n.extension.hasNodes) throw new Error(`no dist/ in ${n8n.extension.folder}: run \`npm run build\` first`);
		await n8n.activate(MATH);
		await n8n.activate(SHOP);
		await waitForLiveFunctions(n8n, [
			{ name: 'add', workflowId: MATH },
			{ name: 'describe', workflowId: MATH },
			{ name: 'label', workflowId: MATH, local: true },
		]);
	}, 300_000);

	afterAll(async () => {
		await n8n?.stop();
		if (migration) fs.rmSync(path.dirname(migration.folder), { recursive: true, force: true });
	}, 60_000);

	test('the command migrates the export beside it and reports the two nodes it cannot migrate exactly', () => {
		expect(migration.stderr).toBe('');
		expect(migration.status).toBe(1);
		expect(fs.readdirSync(migration.migratedFolder).sort()).toEqual([`${ATTENTION}.json`, `${BROKEN}.json`, `${MATH}.json`, `${SHOP}.json`, 'migration-report.txt']);
		expect(migration.stdout).toContain('  - "add": global, in workflow "Migration: Math (n8n-nodes-function)" (e2eMigMath01); called from "Migration: Shop (custom extension)" (e2eMigShop01)');
		expect(migration.stdout).toContain('  - "label": local, in workflow "Migration: Math (n8n-nodes-function)" (e2eMigMath01); called from "Migration: Math (n8n-nodes-function)" (e2eMigMath01)');
		expect(migration.stdout).toContain('Needs attention (2)');
		expect(migration.stdout).toContain('node "Call by expression": Its workflow is chosen by the expression "{{ $json.query.workflow }}"');
	});

	test('a call from another workflow reaches the function, now global: {sum} in the field named as before', async () => {
		// Old: Return Code `return { sum: $json.a + $json.b }` with a = 2, b = 3 (expressions giving "2" and "3", JSON-parsed).
		const response = await n8n.webhook('mig/add', { query: { a: 2, b: 3 } });
		expect(response.status).toBe(200);
		expect(response.body.result).toEqual({ sum: 5 });
		expect(response.body.query).toEqual({ a: '2', b: '3' });
	});

	test("a parameter left out takes its default, converted from the old text to a number", async () => {
		// Old: b's default "10" read as Number("10").
		const response = await n8n.webhook('mig/add-a', { query: { a: 2 } });
		expect(response.body.result).toEqual({ sum: 12 });
	});

	test('Return Code of several statements runs in a Code node, with $json, $index and $item as before', async () => {
		// Old: eval of the code with $index 0 and $item the incoming item; n from Parameters JSON.
		const response = await n8n.webhook('mig/describe', { query: { n: 7 } });
		expect(response.status).toBe(200);
		expect(response.body.description).toEqual({ text: '7 is odd', index: 0, fromItem: 7 });
		expect((await n8n.webhook('mig/describe', { query: { n: 10 } })).body.description).toEqual({ text: '10 is even', index: 0, fromItem: 10 });
	});

	test('a local function called from its own workflow; a text result stays text, even one that reads as JSON', async () => {
		// Old: `return String($json.word).toUpperCase()`, a string (its callers got "42" for "42").
		expect((await n8n.webhook('mig/label', { query: { word: 'hey' } })).body.label).toBe('HEY');
		expect((await n8n.webhook('mig/label', { query: { word: '42' } })).body.label).toBe('42');
	});

	test('without Store Response the item passes through unchanged', async () => {
		const response = await n8n.webhook('mig/nowhere', { query: { marker: 'x' } });
		expect(response.status).toBe(200);
		expect(response.body.query).toEqual({ marker: 'x' });
		expect(Object.keys(response.body).sort()).toEqual(['body', 'executionMode', 'headers', 'params', 'query', 'webhookUrl']);
	});

	test('a node left needing attention: n8n refuses to publish its workflow and names it', async () => {
		await expect(n8n.activate(ATTENTION)).rejects.toThrow(/Cannot publish workflow: 1 node have configuration issues:.*Node \\"Call by expression\\":.*Missing or invalid required parameters: workflow, function/s);
		const workflow = await n8n.rest.getWorkflow(ATTENTION);
		expect(workflow.nodes.find((node) => node.name === 'Call by expression').notes).toMatch(/^Migrated from n8n-nodes-function: NEEDS ATTENTION\./);
	});

	test('a default that is no value of its type: the Function Trigger does not start, and n8n records why as the publication\'s failure', async () => {
		await n8n.activate(BROKEN);
		let publication;
		// Publishing is asynchronous: its outcome is recorded a moment later, where the editor reads it.
		await waitUntil(
			'the publication status of the workflow',
			async () => {
				publication = await n8n.rest.request('GET', `/workflows/${BROKEN}/publication-status`);
				return publication.status !== 'in_progress' && publication.triggers.length > 0;
			},
			{ timeoutMs: 30_000, intervalMs: 300, hint: () => JSON.stringify(publication) },
		);
		expect(publication.status).toBe('failed');
		expect(publication.triggers[0].errorMessage).toMatch(/The default of parameter "limit" is not a number: "lots"/);
	});
});
