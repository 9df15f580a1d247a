// Copies what tsc does not: node icons (*.svg) and codex files (*.node.json) from
// nodes/ into dist/nodes/, next to the compiled *.node.js that n8n loads them beside.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const source = path.join(root, 'nodes');
const target = path.join(root, 'dist', 'nodes');

function isAsset(fileName) {
	return fileName.endsWith('.svg') || fileName.endsWith('.node.json');
}

function copyAssets(fromDir, toDir) {
	let copied = 0;
	for (const entry of fs.readdirSync(fromDir, { withFileTypes: true })) {
		const from = path.join(fromDir, entry.name);
		const to = path.join(toDir, entry.name);
		if (entry.isDirectory()) {
			copied += copyAssets(from, to);
		} else if (entry.isFile() && isAsset(entry.name)) {
			fs.mkdirSync(toDir, { recursive: true });
			fs.copyFileSync(from, to);
			copied += 1;
		}
	}
	return copied;
}

const count = copyAssets(source, target);
console.log(`copy-assets: ${count} file(s) copied from nodes/ to dist/nodes/`);
