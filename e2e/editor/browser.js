// Debian's headless Chromium driven by playwright-core: the browser the editor tests and the
// README screenshots use. One fresh profile per launch, nothing reaching the internet.
// Chromium is the system's, or the one test-tools/ fetched (N8N_E2E_CHROMIUM names another).
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { toolPath } = require('../../test-tools/locate');

// What headless Chromium needs as root in a container, and what keeps it from phoning home.
const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

/** Chromium with the editor's usual window size; `close()` also removes its profile. */
async function launchBrowser({ width = 1440, height = 900 } = {}) {
	const executablePath = toolPath('chromium');
	// Required here, not at the top: jest loads every e2e file, and only these tests need it.
	const { chromium } = require('playwright-core');
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-functions-chromium-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath,
		headless: true,
		args: CHROMIUM_ARGS,
		viewport: { width, height },
		deviceScaleFactor: 1,
		colorScheme: 'light',
	});
	return {
		context,
		async close() {
			await context.close().catch(() => {});
			fs.rmSync(profile, { recursive: true, force: true });
		},
	};
}

module.exports = { launchBrowser };
