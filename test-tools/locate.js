// Where each tool the tests run is (tools.js): the copy its override variable names; else the
// system's, on the PATH; else the one in the tools folder, fetched there the first time it is
// asked for (fetch.js, with progress on stderr). N8N_TEST_TOOLS_FETCH=always passes over the
// system's copies: CI proves the fetch with it.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { KEYRING } = require('../platforms/toolchain/apt');
const { TOOLS } = require('./tools');
const { toolsFolder, layout } = require('./folder');
const { isFetched, DEBIAN_ARCHITECTURES } = require('./fetch');

const FETCH_SCRIPT = path.join(__dirname, 'fetch.js');

function isExecutableFile(file) {
	try {
		fs.accessSync(file, fs.constants.X_OK);
		return fs.statSync(file).isFile();
	} catch {
		return false;
	}
}

/** The first `command` in the folders of `searchPath` (PATH's form), or null. */
function onPath(command, searchPath) {
	for (const folder of searchPath.split(path.delimiter).filter(Boolean)) {
		const file = path.join(folder, command);
		if (isExecutableFile(file)) return file;
	}
	return null;
}

/** Why nothing can be fetched on this machine, or null when it can. */
function cannotFetch(env) {
	if (process.platform !== 'linux') return `the tools are fetched from Debian's packages, on Linux only (this is ${process.platform})`;
	if (!DEBIAN_ARCHITECTURES[process.arch]) return `the tools are fetched for x64 and arm64 only (this is ${process.arch})`;
	for (const command of ['apt-get', 'dpkg-deb', 'flock']) {
		if (!onPath(command, env.PATH ?? '')) return `fetching needs ${command} (Debian's apt, dpkg and util-linux), and there is none on the PATH`;
	}
	if (!fs.existsSync(KEYRING)) return `fetching needs Debian's archive keys, ${KEYRING} (package debian-archive-keyring)`;
	return null;
}

function fetchInto(name, dir, env, forced) {
	const tool = TOOLS[name];
	const missing = forced
		? `${name} is to be fetched into ${dir} (N8N_TEST_TOOLS_FETCH=always)`
		: `${name} is needed here and is not on this machine (no ${tool.command} on the PATH)`;
	const todo = `Install ${tool.install}, or point ${tool.override} at one.`;
	const reason = cannotFetch(env);
	if (reason) throw new Error(`${missing}, and cannot be fetched: ${reason}. ${todo}`);
	fs.mkdirSync(dir, { recursive: true });
	const result = spawnSync('flock', [layout(dir).lockFile, process.execPath, FETCH_SCRIPT, dir, tool.tree], {
		env,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	if (result.status !== 0 || !isFetched(tool.tree, dir)) {
		const why = (result.stdout?.trim() || result.error?.message || `exit ${result.status ?? result.signal}`).replace(/\.+$/, '');
		throw new Error(`${missing}; fetching it from Debian's packages failed: ${why}. ${todo}`);
	}
}

/**
 * The path of the tool `name` (a key of tools.js's TOOLS), fetched first if need be.
 * @param {string} name
 * @param {object} [options]
 * @param {NodeJS.ProcessEnv} [options.env] the environment to read the variables from
 * @param {string} [options.dir] the tools folder (default: folder.js's)
 * @param {string} [options.searchPath] where the system's copies are looked for (PATH's form)
 * @param {'missing'|'always'} [options.fetch] 'always' passes over the system's copies
 */
function toolPath(name, { env = process.env, dir = toolsFolder(env), searchPath = env.PATH ?? '', fetch = env.N8N_TEST_TOOLS_FETCH === 'always' ? 'always' : 'missing' } = {}) {
	const tool = TOOLS[name];
	if (!tool) throw new Error(`No tool named ${name}: the tests' tools are ${Object.keys(TOOLS).join(', ')}`);
	const override = env[tool.override];
	if (override) {
		if (!isExecutableFile(override)) throw new Error(`${tool.override} is ${override}, which is no executable file: point it at ${name}, or unset it`);
		return override;
	}
	if (fetch !== 'always') {
		const system = onPath(tool.command, searchPath);
		if (system) return system;
	}
	if (!isFetched(tool.tree, dir)) fetchInto(name, dir, env, fetch === 'always');
	return path.join(layout(dir).binDir, name);
}

/**
 * For a test run's global setup: finds or fetches each tool before any test starts (a fetch
 * takes longer than a test's hooks may). A tool that cannot be had is only reported here:
 * the tests that need it fail with the same message, the others run.
 */
function prepareTools(names, options) {
	for (const name of names) {
		try {
			toolPath(name, options);
		} catch (error) {
			console.error(`[test-tools] ${error.message}`);
		}
	}
}

module.exports = { toolPath, prepareTools };
