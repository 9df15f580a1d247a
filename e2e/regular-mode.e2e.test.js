// Scenarios 1-5 in regular mode: one n8n process, SQLite, no Redis configured, so calls travel
// through the addon's in-process backend. The package is loaded as a custom extension
// (N8N_CUSTOM_EXTENSIONS, node types CUSTOM.*).
'use strict';
const { startN8nTopology } = require('./support/topology');
const { CORE_FUNCTIONS, CORE_CALLERS, CORE_WORKFLOW_FILES, activateAll, defineCoreScenarios } = require('./scenarios/core');
const { LIVE_FILES, LIVE_FUNCTIONS, LIVE_CALLERS, callLiveGreet, addPunctuation } = require('./scenarios/live-change');

describe('regular mode: one process, SQLite, memory backend, package as a custom extension', () => {
	let n8n;

	beforeAll(async () => {
		n8n = await startN8nTopology({ mode: 'regular', install: 'extension', workflowFiles: [...CORE_WORKFLOW_FILES, ...Object.values(LIVE_FILES)] });
		if (!n8n.extension.hasNodes) throw new Error(`no dist/ in ${n8n.extension.folder}: run \`npm run build\` first`);
		await n8n.timer.time('activate', () => activateAll(n8n, [...CORE_FUNCTIONS, ...LIVE_FUNCTIONS], [...CORE_CALLERS, ...LIVE_CALLERS]));
	}, 300_000);

	afterAll(() => n8n?.stop(), 60_000);

	defineCoreScenarios(() => n8n);

	describe('a function that changes', () => {
		// A caller that saw the old definition checks again against the current one before
		// refusing arguments. One process here, so the caller surely saw the old definition.
		test('a parameter added to a function can be passed as soon as the dropdown shows it', async () => {
			expect((await callLiveGreet(n8n, 'Ada')).body).toEqual({ greeting: 'Hello Ada', version: 1 });
			await addPunctuation(n8n);
			expect((await callLiveGreet(n8n, 'Ada', { punctuation: '?' })).body).toEqual({ greeting: 'Hello Ada?', version: 2 });
		});
	});
});
