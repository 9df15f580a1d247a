// Workflow JSON for import: examples use the package's node types (n8n-nodes-functions.*),
// which a custom-extension folder serves as CUSTOM.*.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const PACKAGE_PREFIX = 'n8n-nodes-functions.';
const CUSTOM_PREFIX = 'CUSTOM.';

/** Reads workflow files (an object or an array each) and returns the workflows, node types rewritten. */
function readWorkflows(files) {
	const workflows = [];
	for (const file of files) {
		const json = JSON.parse(fs.readFileSync(file, 'utf8'));
		for (const workflow of Array.isArray(json) ? json : [json]) {
			if (!workflow.id) throw new Error(`${file}: workflow "${workflow.name}" has no id; import keeps ids and the tests need them`);
			for (const node of workflow.nodes ?? []) {
				if (node.type.startsWith(PACKAGE_PREFIX)) node.type = CUSTOM_PREFIX + node.type.slice(PACKAGE_PREFIX.length);
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

module.exports = { readWorkflows, writeImportFile };
