#!/usr/bin/env node
// The README's screenshots, taken from the real n8n editor: starts n8n as the editor test does
// (e2e/editor.e2e.test.js), walks the same tour in headless Chromium and writes
// docs/images/*.png. Needs `npm run build`; Chromium is the system's, or fetched the first
// time (test-tools/).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { launchBrowser } = require('../e2e/editor/browser');
const { startEditorTopology } = require('../e2e/editor/editor-topology');
const { EditorPage } = require('../e2e/editor/editor-page');
const { SCREENSHOTS, takeEditorTour } = require('../e2e/editor/tour');

const imagesDir = path.join(__dirname, '..', 'docs', 'images');

async function main() {
	fs.mkdirSync(imagesDir, { recursive: true });
	const n8n = await startEditorTopology();
	let browser;
	let failed = true;
	try {
		browser = await launchBrowser();
		const editor = new EditorPage(await browser.context.newPage(), n8n.baseUrl);
		await editor.signIn();
		await takeEditorTour(editor, n8n, imagesDir);
		failed = false;
	} finally {
		await browser?.close();
		await n8n.stop({ failed });
	}
	for (const name of Object.values(SCREENSHOTS)) console.log(`wrote ${path.relative(process.cwd(), path.join(imagesDir, `${name}.png`))}`);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
