// Lays the built package out as an n8n custom-extension folder (N8N_CUSTOM_EXTENSIONS).
//
// n8n loads every **/*.node.js and **/*.credentials.js below that folder as CUSTOM.<name>.
// A node's require('n8n-workflow') then walks up node_modules from the node's own file and,
// finding none, falls back to NODE_PATH, which n8n sets to its own module paths at start
// (LoadNodesAndCredentials.init). So the folder holds no node_modules, and must not sit
// below one that holds n8n-workflow (this repo's does): that copy would shadow n8n's own.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..', '..');

/** The entries of package.json "files", resolved against the repo (simple * globs only). */
function publishedEntries() {
	const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
	const entries = ['package.json'];
	for (const pattern of pkg.files ?? []) {
		if (!pattern.includes('*')) {
			if (fs.existsSync(path.join(repoRoot, pattern))) entries.push(pattern);
			continue;
		}
		const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
		entries.push(...fs.readdirSync(repoRoot).filter((name) => regex.test(name)));
	}
	return entries;
}

function assertNoShadowingWorkflow(folder) {
	for (let dir = path.dirname(folder); ; dir = path.dirname(dir)) {
		const shadow = path.join(dir, 'node_modules', 'n8n-workflow');
		if (fs.existsSync(shadow)) {
			throw new Error(`${folder} lies below ${shadow}: the nodes would load that copy instead of n8n's own; put the run folder elsewhere`);
		}
		if (dir === path.dirname(dir)) return;
	}
}

/**
 * Copies what npm would publish (package.json "files") into `<parent>/n8n-nodes-functions`.
 * @returns {{folder: string, entries: string[], hasNodes: boolean}}
 */
function packageExtension(parent) {
	const folder = path.join(parent, 'n8n-nodes-functions');
	assertNoShadowingWorkflow(folder);
	fs.rmSync(folder, { recursive: true, force: true });
	fs.mkdirSync(folder, { recursive: true });
	const entries = publishedEntries();
	for (const entry of entries) {
		fs.cpSync(path.join(repoRoot, entry), path.join(folder, entry), { recursive: true });
	}
	const hasNodes = fs.existsSync(path.join(folder, 'dist'));
	return { folder, entries, hasNodes };
}

module.exports = { packageExtension, assertNoShadowingWorkflow, repoRoot };
