// Workflow JSON for import: files use the package's node types (n8n-nodes-functions.*), which
// an installed package serves as they are and a custom-extension folder serves as CUSTOM.*.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const PACKAGE_PREFIX = 'n8n-nodes-functions.';

/**
 * Reads workflow files (an object or an array each) and returns the workflows, the package's
 * node types renamed to `nodeTypePrefix` (e.g. 'CUSTOM.').
 */
function readWorkflows(files, nodeTypePrefix = PACKAGE_PREFIX) {
	const workflows = [];
	for (const file of files) {
		const json = JSON.parse(fs.readFileSync(file, 'utf8'));
		for (const workflow of Array.isArray(json) ? json : [json]) {
			if (!workflow.id) throw new Error(`${file}: workflow "${workflow.name}" has no id; import keeps ids and the tests need them`);
			for (const node of workflow.nodes ?? []) {
				if (node.type.startsWith(PACKAGE_PREFIX)) node.type = nodeTypePrefix + node.type.slice(PACKAGE_PREFIX.length);
			}
			workflows.push(workflow);
		}
	}
	return workflows;
}

/** Writes the workflows into one array file for a single `n8n import:workflow`. */
function writeImportFile(workflows, file) {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	fs.writeFileSync(file, JSON.stringify(workflows, null, 2));
	return file;
}

module.exports = { readWorkflows, writeImportFile, PACKAGE_PREFIX };
