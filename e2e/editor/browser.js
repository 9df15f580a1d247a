// Debian's headless Chromium driven by playwright-core: the browser the editor tests and the
// README screenshots use. One fresh profile per launch, nothing reaching the internet.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const CHROMIUM = process.env.N8N_E2E_CHROMIUM || '/usr/bin/chromium';

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
	if (!fs.existsSync(CHROMIUM)) {
		throw new Error(`No Chromium at ${CHROMIUM}: install it (apt-get install -y chromium) or point N8N_E2E_CHROMIUM at one`);
	}
	// Required here, not at the top: jest loads every e2e file, and only these tests need it.
	const { chromium } = require('playwright-core');
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-functions-chromium-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
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
