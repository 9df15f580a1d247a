// The programs the tests run beyond what the README asks for (Node, npm, Rust, and Redis and
// PostgreSQL running): Redis servers of the tests' own and redis-cli (restarts, TLS, a local
// cluster), openssl for their certificates, Chromium for the editor test. Where the system has
// no copy, each comes from the Debian packages named here (fetch.js).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

/**
 * @typedef {object} Tool
 * @property {string} override  the environment variable that names a copy to use instead
 * @property {string} command   its name on the PATH
 * @property {string} tree      the unpacked folder it comes from (TREES)
 * @property {string} file      the program inside that folder
 * @property {string[]} versionArgs  what makes it print its version: the check that it runs
 * @property {string} install   what to install where it cannot be fetched
 */

/** @type {Record<string, Tool>} */
const TOOLS = {
	'redis-server': {
		override: 'N8N_TEST_REDIS_SERVER',
		command: 'redis-server',
		tree: 'redis',
		file: 'usr/bin/redis-server',
		versionArgs: ['--version'],
		install: 'Redis 7 with TLS (Debian, Ubuntu: apt-get install -y redis-server; macOS: brew install redis)',
	},
	'redis-cli': {
		override: 'N8N_TEST_REDIS_CLI',
		command: 'redis-cli',
		tree: 'redis',
		file: 'usr/bin/redis-cli',
		versionArgs: ['--version'],
		install: "Redis's command line (Debian, Ubuntu: apt-get install -y redis-tools; macOS: brew install redis)",
	},
	openssl: {
		override: 'N8N_TEST_OPENSSL',
		command: 'openssl',
		tree: 'openssl',
		file: 'usr/bin/openssl',
		versionArgs: ['version'],
		install: 'OpenSSL (Debian, Ubuntu: apt-get install -y openssl; macOS: brew install openssl)',
	},
	chromium: {
		override: 'N8N_E2E_CHROMIUM',
		command: 'chromium',
		tree: 'chromium',
		file: 'usr/lib/chromium/chromium',
		versionArgs: ['--version'],
		install: 'Chromium (Debian: apt-get install -y chromium)',
	},
};

/**
 * The Debian packages each unpacked folder comes from (with all they depend on), and what
 * its programs need in their environment besides their libraries.
 * @type {Record<string, {packages: string[], environment?: (root: string) => Record<string, string>}>}
 */
const TREES = {
	redis: { packages: ['redis-server'] }, // redis-server depends on redis-tools: redis-cli comes along
	openssl: { packages: ['openssl'], environment: (root) => ({ OPENSSL_CONF: path.join(root, 'etc', 'ssl', 'openssl.cnf') }) }, // its configuration, not the system's
	chromium: { packages: ['chromium'], environment: fontsOf },
};

/**
 * Chromium's fontconfig, unpacked along with it, reads /etc/fonts: a configuration of the
 * folder's own finds its fonts (DejaVu comes with it) and the system's, wherever they are.
 */
function fontsOf(root) {
	const file = path.join(root, 'etc', 'fonts', 'test-tools.conf');
	const config = [
		'<?xml version="1.0"?>',
		'<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
		'<fontconfig>',
		`\t<dir>${path.join(root, 'usr', 'share', 'fonts')}</dir>`,
		'\t<dir>/usr/share/fonts</dir>',
		`\t<include ignore_missing="yes">${path.join(root, 'etc', 'fonts', 'conf.d')}</include>`,
		`\t<cachedir>${path.join(root, 'var', 'cache', 'fontconfig')}</cachedir>`,
		'</fontconfig>',
		'',
	].join('\n');
	fs.mkdirSync(path.dirname(file), { recursive: true });
	fs.writeFileSync(file, config);
	return { FONTCONFIG_FILE: file };
}

module.exports = { TOOLS, TREES };
