// Fetches a family of tools (tools.js, TREES) into the tools folder: Debian bookworm's
// packages with all they depend on, resolved by APT through a private configuration,
// unpacked with dpkg -x (nothing is installed into the system), and one script per tool in
// bin/ that runs it with the unpacked libraries first on its library path.
//
//   node test-tools/fetch.js DIR TREE
//
// locate.js runs it under flock, so one process at a time fetches into a folder. Progress
// goes to stderr; a failure's reason, on one line, to stdout (for locate.js's message).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { debianArchive } = require('../platforms/toolchain/apt');
const { TOOLS, TREES } = require('./tools');
const { layout } = require('./folder');

const SUITES = ['bookworm', 'bookworm-security'];
const DEBIAN_ARCHITECTURES = { x64: 'amd64', arm64: 'arm64' };
// The C library stays the system's: it must match the system's dynamic loader, which runs
// every unpacked program.
const LEAVE_OUT = ['libc6'];

function toolsOf(tree) {
	return Object.entries(TOOLS).filter(([, tool]) => tool.tree === tree);
}

/** True when `tree`'s folder holds what TREES names now, and every tool of it has its script. */
function isFetched(tree, dir) {
	const { binDir, treesDir } = layout(dir);
	try {
		const marker = JSON.parse(fs.readFileSync(path.join(treesDir, tree, '.unpacked-from.json'), 'utf8'));
		if (JSON.stringify(marker.packages.closureOf) !== JSON.stringify(TREES[tree].packages)) return false;
	} catch {
		return false;
	}
	return toolsOf(tree).every(([name]) => fs.existsSync(path.join(binDir, name)));
}

/** Every folder under the root's lib/ and usr/lib/ that holds shared libraries, the shallowest first. */
function libraryFolders(root) {
	const folders = new Set();
	const walk = (folder) => {
		for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
			if (entry.isDirectory()) walk(path.join(folder, entry.name));
			else if (/^lib.*\.so(\.|$)/.test(entry.name)) folders.add(folder);
		}
	};
	for (const top of ['lib', 'usr/lib']) if (fs.existsSync(path.join(root, top))) walk(path.join(root, top));
	const depth = (folder) => folder.split(path.sep).length;
	return [...folders].sort((a, b) => depth(a) - depth(b) || a.localeCompare(b));
}

/** dpkg -x keeps set-user-ID bits (mount, passwd, …): nothing here runs with them. */
function dropSetIdBits(folder) {
	for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
		const file = path.join(folder, entry.name);
		if (entry.isDirectory()) dropSetIdBits(file);
		else if (entry.isFile()) {
			const { mode } = fs.statSync(file);
			if (mode & 0o6000) fs.chmodSync(file, mode & 0o1777);
		}
	}
}

function quote(value) {
	return `'${value.replace(/'/g, "'\\''")}'`;
}

function writeScript(file, content) {
	const temporary = `${file}.${process.pid}`;
	fs.writeFileSync(temporary, content, { mode: 0o755 });
	fs.renameSync(temporary, file);
}

function writeRunScripts(tree, root, binDir) {
	const libraries = libraryFolders(root).join(':');
	const environment = TREES[tree].environment?.(root) ?? {};
	fs.mkdirSync(binDir, { recursive: true });
	for (const [name, tool] of toolsOf(tree)) {
		const program = path.join(root, tool.file);
		if (!fs.existsSync(program)) throw new Error(`${TREES[tree].packages.join(', ')} unpacked into ${root} has no ${tool.file}`);
		writeScript(
			path.join(binDir, name),
			[
				'#!/bin/sh',
				`# ${name} from Debian's packages, unpacked (not installed) by test-tools/fetch.js: its own libraries first.`,
				`LD_LIBRARY_PATH=${quote(libraries)}"\${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"`,
				'export LD_LIBRARY_PATH',
				...Object.entries(environment).map(([key, value]) => `export ${key}=${quote(value)}`),
				`exec ${quote(program)} "$@"`,
				'',
			].join('\n'),
		);
	}
}

/** Runs the tool's script for its version: the proof that it runs here. Returns the version's first line. */
function versionOf(name, binDir) {
	const result = spawnSync(path.join(binDir, name), TOOLS[name].versionArgs, { encoding: 'utf8', timeout: 60_000 });
	const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
	if (result.status !== 0) throw new Error(`it does not run here (${result.error?.message ?? `exit ${result.status}`}): ${output.split('\n').slice(-3).join(' ')}`);
	return result.stdout.trim().split('\n')[0];
}

function fetchTree(tree, dir, { mirror, say }) {
	const { binDir, treesDir, aptDir, logFile } = layout(dir);
	const names = toolsOf(tree).map(([name]) => name);
	const architecture = DEBIAN_ARCHITECTURES[process.arch];
	const started = Date.now();
	const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(0)} s`;
	say(`${names.join(' and ')}: fetching Debian ${SUITES[0]}'s ${TREES[tree].packages.join(', ')} and what it depends on into ${path.join(treesDir, tree)} (once; log: ${logFile})`);
	const archive = debianArchive({ stateDir: aptDir, treesDir, suites: SUITES, architectures: [architecture], mirror, log: logFile });
	const root = archive.unpackClosure(tree, TREES[tree].packages, {
		leaveOut: LEAVE_OUT,
		onDownloaded: (debs, folder) => {
			const megabytes = debs.reduce((sum, deb) => sum + fs.statSync(path.join(folder, deb)).size, 0) / 1e6;
			say(`${names.join(' and ')}: downloaded ${debs.length} packages (${megabytes.toFixed(0)} MB) in ${seconds(started)}, unpacking`);
		},
	});
	dropSetIdBits(root);
	writeRunScripts(tree, root, binDir);
	try {
		for (const name of names) say(`${name} ready in ${seconds(started)}: ${versionOf(name, binDir)} (${path.join(binDir, name)})`);
	} catch (error) {
		for (const name of names) fs.rmSync(path.join(binDir, name), { force: true }); // not fetched, then
		throw error;
	}
}

module.exports = { isFetched, DEBIAN_ARCHITECTURES };

if (require.main === module) {
	const [dir, tree] = process.argv.slice(2);
	if (!dir || !TREES[tree]) {
		console.error(`usage: node test-tools/fetch.js DIR TREE (TREE: ${Object.keys(TREES).join(', ')})`);
		process.exit(2);
	}
	if (isFetched(tree, dir)) process.exit(0); // fetched by another process while this one waited for the lock
	try {
		fetchTree(tree, dir, { mirror: process.env.N8N_TEST_TOOLS_DEBIAN_MIRROR || undefined, say: (line) => console.error(`[test-tools] ${line}`) });
	} catch (error) {
		process.stdout.write(`${error.message.split('\n').filter(Boolean).slice(0, 12).join(' | ')}\n`);
		process.exit(1);
	}
}
