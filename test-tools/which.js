#!/usr/bin/env node
// Prints the path of each named tool, one a line, fetching it first if need be (locate.js):
// for the Rust tests, scripts/redis-cluster.sh and CI.
//
//   node test-tools/which.js redis-server [redis-cli openssl chromium …]
'use strict';
const { toolPath } = require('./locate');
const { TOOLS } = require('./tools');

const names = process.argv.slice(2);
if (names.length === 0) {
	console.error(`usage: node test-tools/which.js TOOL… (${Object.keys(TOOLS).join(', ')})`);
	process.exit(2);
}
try {
	for (const name of names) process.stdout.write(`${toolPath(name)}\n`);
} catch (error) {
	console.error(`[test-tools] ${error.message}`);
	process.exit(1);
}
