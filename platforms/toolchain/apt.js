// Debian packages for the cross toolchain and the test runtimes, unpacked under the cache
// with dpkg -x: nothing is installed into the system. A private APT configuration adds the
// suites this machine's own sources lack (bookworm-backports, trixie) and the arm64
// architecture, with Debian's own archive keys.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { aptDir, debsDir } = require('./paths');
const { run } = require('./run');

const MIRROR = 'http://deb.debian.org/debian';
const SECURITY_MIRROR = 'http://deb.debian.org/debian-security';
const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
const LISTS_MAX_AGE_MS = 24 * 60 * 60 * 1000;

const SOURCES = [
	`deb [signed-by=${KEYRING}] ${MIRROR} bookworm main`,
	`deb [signed-by=${KEYRING}] ${MIRROR} bookworm-backports main`,
	`deb [signed-by=${KEYRING}] ${SECURITY_MIRROR} bookworm-security main`,
	`deb [signed-by=${KEYRING}] ${MIRROR} trixie main`,
].join('\n');

function aptConfigFile() {
	const file = path.join(aptDir, 'apt.conf');
	const status = path.join(aptDir, 'status'); // empty: nothing counts as installed
	const config = [
		`Dir::Etc::SourceList "${path.join(aptDir, 'sources.list')}";`,
		`Dir::Etc::SourceParts "${path.join(aptDir, 'sources.list.d')}";`,
		`Dir::Etc::Preferences "${path.join(aptDir, 'preferences')}";`,
		`Dir::Etc::PreferencesParts "${path.join(aptDir, 'preferences.d')}";`,
		`Dir::State "${path.join(aptDir, 'state')}";`,
		`Dir::State::status "${status}";`,
		`Dir::Cache "${path.join(aptDir, 'cache')}";`,
		'APT::Architecture "amd64";',
		'APT::Architectures { "amd64"; "arm64"; };',
		'Acquire::Languages "none";',
		'Acquire::Retries "3";',
		'',
	].join('\n');
	for (const dir of ['sources.list.d', 'preferences.d', 'state/lists/partial', 'cache/archives/partial']) fs.mkdirSync(path.join(aptDir, dir), { recursive: true });
	fs.writeFileSync(path.join(aptDir, 'sources.list'), `${SOURCES}\n`);
	fs.writeFileSync(path.join(aptDir, 'preferences'), '');
	if (!fs.existsSync(status)) fs.writeFileSync(status, '');
	fs.writeFileSync(file, config);
	return file;
}

function apt(command, args, options = {}) {
	return run(`${command} ${args.join(' ')}`, command, args, { env: { ...process.env, APT_CONFIG: aptConfigFile() }, ...options });
}

function updateLists({ force = false } = {}) {
	const stamp = path.join(aptDir, 'lists-updated');
	const fresh = fs.existsSync(stamp) && Date.now() - fs.statSync(stamp).mtimeMs < LISTS_MAX_AGE_MS;
	if (fresh && !force) return;
	apt('apt-get', ['update', '-qq']);
	fs.writeFileSync(stamp, new Date().toISOString());
}

/** `name:arch/suite`, what apt-get download takes. */
function specOf({ name, arch, suite }) {
	return `${name}:${arch}/${suite}`;
}

/** The .deb file name APT would download for `pkg` ("'<uri>' <file> <size> <hash>"). */
function debFileName(pkg) {
	const line = apt('apt-get', ['download', '--print-uris', '-qq', specOf(pkg)]).trim();
	const file = line.split(/\s+/)[1];
	if (!file || !file.endsWith('.deb')) throw new Error(`APT names no .deb for ${specOf(pkg)} (answer: ${line || 'nothing'}); is ${pkg.suite} in ${path.join(aptDir, 'sources.list')}?`);
	return file;
}

/** Downloads the package's .deb into `folder` (once) and returns its file name. */
function download(pkg, folder) {
	updateLists();
	let file;
	try {
		file = debFileName(pkg);
		if (!fs.existsSync(path.join(folder, file))) apt('apt-get', ['download', '-qq', specOf(pkg)], { cwd: folder });
	} catch {
		updateLists({ force: true }); // a list older than a security update names a file the mirror no longer has
		file = debFileName(pkg);
		apt('apt-get', ['download', '-qq', specOf(pkg)], { cwd: folder });
	}
	if (!fs.existsSync(path.join(folder, file))) throw new Error(`apt-get download ${specOf(pkg)} did not leave ${file} in ${folder}`);
	return file;
}

/**
 * Unpacks Debian packages together into one folder under the cache (a root file system
 * for a tool or a sysroot) and returns it. A folder unpacked from the same list before is
 * reused without asking APT anything.
 * @param {string} name the folder's name
 * @param {{name: string, arch: 'amd64'|'arm64'|'all', suite: string}[]} packages
 */
function unpackTree(name, packages) {
	const folder = path.join(debsDir, name);
	const marker = path.join(folder, '.unpacked-from.json');
	const wanted = packages.map(specOf);
	try {
		const done = JSON.parse(fs.readFileSync(marker, 'utf8'));
		if (JSON.stringify(done.packages) === JSON.stringify(wanted)) return folder;
	} catch {
		// not unpacked yet, or from another list: unpack afresh
	}
	const downloads = path.join(aptDir, 'downloads');
	fs.mkdirSync(downloads, { recursive: true });
	const debs = packages.map((pkg) => download(pkg, downloads));
	fs.rmSync(folder, { recursive: true, force: true });
	fs.mkdirSync(folder, { recursive: true });
	for (const deb of debs) run(`dpkg -x ${deb}`, 'dpkg-deb', ['-x', path.join(downloads, deb), folder]);
	fs.writeFileSync(marker, `${JSON.stringify({ packages: wanted, debs }, null, 1)}\n`);
	return folder;
}

/** Package name → version, of a folder made by unpackTree (read from its .deb file names). */
function treeVersions(folder) {
	const { debs } = JSON.parse(fs.readFileSync(path.join(folder, '.unpacked-from.json'), 'utf8'));
	return Object.fromEntries(debs.map((deb) => deb.split('_')).map(([name, version]) => [name, decodeURIComponent(version).replace(/^\d+:/, '')]));
}

module.exports = { unpackTree, treeVersions };
