// Installs the package into n8n's user folder the way n8n's own community-package installer
// does (Settings > Community Nodes; n8n 2.41 CommunityPackagesService.downloadPackage), from the
// `npm pack` tarball of this repo instead of the registry. n8n loads every
// `<N8N_USER_FOLDER>/.n8n/nodes/node_modules/n8n-nodes-*` at start, as `<package-name>.<node>`.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { nodeBinDir } = require('./cache-paths');
const { assertNoShadowingWorkflow, repoRoot } = require('./extension-folder');

const PACKAGE_NAME = 'n8n-nodes-functions';

// `npm run` hands its config down as npm_config_*; the installs here must not inherit it.
function npmEnv() {
	const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_(config|package|lifecycle)_/i.test(key)));
	env.PATH = `${nodeBinDir}${path.delimiter}${process.env.PATH}`; // Node 24's npm, as n8n's installer uses
	return env;
}

function run(command, args, cwd) {
	try {
		return execFileSync(command, args, { cwd, env: npmEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
	} catch (error) {
		throw new Error(`${command} ${args.join(' ')} (in ${cwd}) failed: ${error.stderr || error.message}`);
	}
}

/** `npm pack` of the built repo: the file a user would get from the registry. */
function packTarball(destination) {
	fs.mkdirSync(destination, { recursive: true });
	const [packed] = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination], repoRoot));
	return path.join(destination, packed.filename);
}

/**
 * Packs the repo and installs the tarball into `<userFolder>/.n8n/nodes` as n8n's installer
 * would: unpack into node_modules/<name>, drop dev/peer/optional dependencies (so no second
 * n8n-workflow), `npm install` what remains, record it in nodes/package.json.
 * @returns {{tarball: string, folder: string, hasNodes: boolean}}
 */
function installPackage({ userFolder, packDir }) {
	const tarball = packTarball(packDir);
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const folder = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	assertNoShadowingWorkflow(folder);
	fs.mkdirSync(folder, { recursive: true });
	run('tar', ['-xzf', tarball, '-C', folder, '--strip-components=1'], nodesDir);

	const packageJsonFile = path.join(folder, 'package.json');
	const { devDependencies, peerDependencies, optionalDependencies, ...packageJson } = JSON.parse(fs.readFileSync(packageJsonFile, 'utf8'));
	fs.writeFileSync(packageJsonFile, JSON.stringify(packageJson, null, 2));
	run('npm', ['install', '--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false'], folder);
	fs.writeFileSync(
		path.join(nodesDir, 'package.json'),
		JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { [PACKAGE_NAME]: packageJson.version } }, null, 2),
	);
	assertNoShadowingWorkflow(folder); // npm installed no n8n-workflow next to it
	return { tarball, folder, hasNodes: fs.existsSync(path.join(folder, 'dist')) };
}

module.exports = { installPackage, PACKAGE_NAME };
