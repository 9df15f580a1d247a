// Before any test file: the tools of the tests that start Redis servers of their own
// (test-tools/: the system's, or fetched into the cache the first time, which takes longer
// than a test's hooks may).
'use strict';
const { prepareTools } = require('../../test-tools/locate');

module.exports = async function globalSetup() {
	prepareTools(['redis-server', 'redis-cli']);
};
