// Before any e2e test file: Node 24 and n8n are installed (seconds when cached, minutes the first time).
'use strict';
const { ensureN8nInstalled } = require('./install-n8n');

module.exports = async function globalSetup() {
	console.log(''); // jest prints the setup's first line right after its own dots
	ensureN8nInstalled();
};
