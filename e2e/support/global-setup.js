// Before any e2e test file: Node 24 and n8n are installed (seconds when cached, minutes the
// first time), and so are the tools the editor and cluster tests run (test-tools/: the
// system's, or fetched into the cache the first time).
'use strict';
const { ensureN8nInstalled } = require('./install-n8n');
const { prepareTools } = require('../../test-tools/locate');

module.exports = async function globalSetup() {
	console.log(''); // jest prints the setup's first line right after its own dots
	ensureN8nInstalled();
	prepareTools(['chromium', 'redis-server', 'redis-cli']);
};
