// Where the cross-building and load-testing tools live: under the project's cache folder
// (N8N_FUNCTIONS_CACHE), outside any clone, so CI downloads and builds each of them once.
'use strict';
const os = require('node:os');
const path = require('node:path');

const cacheDir = process.env.N8N_FUNCTIONS_CACHE || path.join(os.homedir(), '.cache', 'n8n-nodes-functions');
const platformsDir = path.join(cacheDir, 'platforms');

module.exports = {
	cacheDir,
	platformsDir,
	/** Private APT state: sources, package lists, downloaded .deb files. */
	aptDir: path.join(platformsDir, 'apt'),
	/** .deb packages unpacked with dpkg -x, one folder each. */
	debsDir: path.join(platformsDir, 'debs'),
	/** PyPI wheels and the tools installed from them. */
	pypiDir: path.join(platformsDir, 'pypi'),
	/** Node for other platforms, unpacked from PyPI wheels. */
	nodeDir: path.join(platformsDir, 'node'),
	/** Root folders that qemu and musl's loader take their libraries from. */
	sysrootDir: path.join(platformsDir, 'sysroots'),
	/** Cargo's target folders for the cross builds, one per target (their compiler differs from the host build's). */
	crossTargetDir: process.env.N8N_FUNCTIONS_CROSS_TARGET_DIR || path.join(cacheDir, 'target-cross'),
	/** Command output of the steps above, appended. */
	logFile: path.join(platformsDir, 'toolchain.log'),
};
