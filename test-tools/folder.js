// Where the tools fetched for the tests live: under the project's cache folder
// (N8N_FUNCTIONS_CACHE), outside any clone; N8N_TEST_TOOLS_DIR moves them (CI proves the
// fetch from an empty one).
'use strict';
const os = require('node:os');
const path = require('node:path');

/** The tools folder that `env` names. */
function toolsFolder(env = process.env) {
	if (env.N8N_TEST_TOOLS_DIR) return path.resolve(env.N8N_TEST_TOOLS_DIR);
	return path.join(env.N8N_FUNCTIONS_CACHE || path.join(os.homedir(), '.cache', 'n8n-nodes-functions'), 'test-tools');
}

/** What a tools folder holds. */
function layout(dir) {
	return {
		dir,
		/** One small script per tool, that runs it from its unpacked folder. */
		binDir: path.join(dir, 'bin'),
		/** Debian's packages unpacked with dpkg -x, one folder per tool family (tools.js, TREES). */
		treesDir: path.join(dir, 'trees'),
		/** The private APT configuration, lists and downloads. */
		aptDir: path.join(dir, 'apt'),
		/** What APT and dpkg printed. */
		logFile: path.join(dir, 'fetch.log'),
		/** Held while one process fetches (flock), so that two never unpack into one folder. */
		lockFile: path.join(dir, '.fetch.lock'),
	};
}

module.exports = { toolsFolder, layout };
