// Debian packages unpacked under the cache with dpkg -x: nothing is installed into the system.
// Each user has an archive of its own (a private APT configuration: its suites, its
// architectures, its lists and downloads, Debian's own archive keys, and an empty status
// file, so that APT counts nothing as installed): the cross toolchain and the test runtimes
// here, the tools the tests run (test-tools/).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { aptDir, debsDir, logFile } = require('./paths');
const { run } = require('./run');

const MIRROR = 'http://deb.debian.org/debian'; // its security suites: the same with -security
const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
const LISTS_MAX_AGE_MS = 24 * 60 * 60 * 1000;

function sourceLine(suite, mirror) {
	return `deb [signed-by=${KEYRING}] ${suite.endsWith('-security') ? `${mirror}-security` : mirror} ${suite} main`;
}

/** `name:arch/suite`, what apt-get download takes. */
function specOf({ name, arch, suite }) {
	return `${name}:${arch}/${suite}`;
}

/**
 * A private view of Debian's archive.
 * @param {object} options
 * @param {string} options.stateDir APT's configuration, lists and downloads
 * @param {string} options.treesDir where the unpacked folders go, one per name
 * @param {string[]} options.suites e.g. ['bookworm', 'bookworm-security']
 * @param {string[]} options.architectures the first is the native one
 * @param {string} [options.mirror] Debian's archive, or a mirror of it
 * @param {string} [options.log] where APT's and dpkg's output goes
 */
function debianArchive({ stateDir, treesDir, suites, architectures, mirror = MIRROR, log = logFile }) {
	function aptConfigFile() {
		const file = path.join(stateDir, 'apt.conf');
		const status = path.join(stateDir, 'status'); // empty: nothing counts as installed
		const config = [
			`Dir::Etc::SourceList "${path.join(stateDir, 'sources.list')}";`,
			`Dir::Etc::SourceParts "${path.join(stateDir, 'sources.list.d')}";`,
			`Dir::Etc::Preferences "${path.join(stateDir, 'preferences')}";`,
			`Dir::Etc::PreferencesParts "${path.join(stateDir, 'preferences.d')}";`,
			`Dir::State "${path.join(stateDir, 'state')}";`,
			`Dir::State::status "${status}";`,
			`Dir::Cache "${path.join(stateDir, 'cache')}";`,
			`APT::Architecture "${architectures[0]}";`,
			`APT::Architectures { ${architectures.map((arch) => `"${arch}";`).join(' ')} };`,
			'Acquire::Languages "none";',
			'Acquire::Retries "3";',
			// Its files are in the user's cache, which APT's own download user may not reach.
			'APT::Sandbox::User "root";',
			'',
		].join('\n');
		for (const dir of ['sources.list.d', 'preferences.d', 'state/lists/partial', 'cache/archives/partial']) fs.mkdirSync(path.join(stateDir, dir), { recursive: true });
		fs.writeFileSync(path.join(stateDir, 'sources.list'), `${suites.map((suite) => sourceLine(suite, mirror)).join('\n')}\n`);
		fs.writeFileSync(path.join(stateDir, 'preferences'), '');
		if (!fs.existsSync(status)) fs.writeFileSync(status, '');
		fs.writeFileSync(file, config);
		return file;
	}

	function apt(command, args, options = {}) {
		return run(`${command} ${args.join(' ')}`, command, args, { env: { ...process.env, APT_CONFIG: aptConfigFile() }, log, ...options });
	}

	function updateLists({ force = false } = {}) {
		const stamp = path.join(stateDir, 'lists-updated');
		const fresh = fs.existsSync(stamp) && Date.now() - fs.statSync(stamp).mtimeMs < LISTS_MAX_AGE_MS;
		if (fresh && !force) return;
		apt('apt-get', ['update', '-qq', '--error-on=any']); // a list it could not fetch is an error, not a warning
		fs.writeFileSync(stamp, new Date().toISOString());
	}

	/** Does `step`, and once more with fresh lists if it fails: a list older than a security update names a file the mirror no longer has. */
	function withFreshListsOnFailure(step) {
		updateLists();
		try {
			return step();
		} catch {
			updateLists({ force: true });
			return step();
		}
	}

	/** The .deb file name APT would download for `pkg` ("'<uri>' <file> <size> <hash>"). */
	function debFileName(pkg) {
		const line = apt('apt-get', ['download', '--print-uris', '-qq', specOf(pkg)]).trim();
		const file = line.split(/\s+/)[1];
		if (!file || !file.endsWith('.deb')) throw new Error(`APT names no .deb for ${specOf(pkg)} (answer: ${line || 'nothing'}); is ${pkg.suite} in ${path.join(stateDir, 'sources.list')}?`);
		return file;
	}

	/** Downloads the package's .deb into `folder` (once) and returns its file name. */
	function download(pkg, folder) {
		const file = withFreshListsOnFailure(() => {
			const name = debFileName(pkg);
			if (!fs.existsSync(path.join(folder, name))) apt('apt-get', ['download', '-qq', specOf(pkg)], { cwd: folder });
			return name;
		});
		if (!fs.existsSync(path.join(folder, file))) throw new Error(`apt-get download ${specOf(pkg)} did not leave ${file} in ${folder}`);
		return file;
	}

	function markerOf(folder) {
		return path.join(folder, '.unpacked-from.json');
	}

	/** True when `folder` was unpacked from exactly `wanted` before. */
	function unpackedFrom(folder, wanted) {
		try {
			return JSON.stringify(JSON.parse(fs.readFileSync(markerOf(folder), 'utf8')).packages) === JSON.stringify(wanted);
		} catch {
			return false; // not unpacked yet, or from another list
		}
	}

	/** Unpacks `debs` (files in `downloads`) together into `folder`, afresh, and records what from. */
	function unpackInto(folder, downloads, debs, wanted) {
		fs.rmSync(folder, { recursive: true, force: true });
		fs.mkdirSync(folder, { recursive: true });
		for (const deb of debs) run(`dpkg -x ${deb}`, 'dpkg-deb', ['-x', path.join(downloads, deb), folder], { log });
		fs.writeFileSync(markerOf(folder), `${JSON.stringify({ packages: wanted, debs }, null, 1)}\n`);
	}

	/**
	 * Unpacks the named packages together into one folder (a root file system for a tool or
	 * a sysroot) and returns it. A folder unpacked from the same list before is reused
	 * without asking APT anything.
	 * @param {string} name the folder's name
	 * @param {{name: string, arch: string, suite: string}[]} packages
	 */
	function unpackTree(name, packages) {
		const folder = path.join(treesDir, name);
		const wanted = packages.map(specOf);
		if (unpackedFrom(folder, wanted)) return folder;
		const downloads = path.join(stateDir, 'downloads');
		fs.mkdirSync(downloads, { recursive: true });
		const debs = packages.map((pkg) => download(pkg, downloads));
		unpackInto(folder, downloads, debs, wanted);
		return folder;
	}

	/**
	 * Unpacks the named packages with everything they depend on (APT resolves it, as
	 * `apt-get install` would on an empty system; no recommends) into one folder, and
	 * returns it. `leaveOut` names packages of the closure not to unpack (the C library, which
	 * must be the system's own to match its dynamic loader). Reused as unpackTree's are.
	 * @param {string} name the folder's name
	 * @param {string[]} packageNames
	 * @param {{leaveOut?: string[], onDownloaded?: (debs: string[], folder: string) => void}} [options]
	 */
	function unpackClosure(name, packageNames, { leaveOut = [], onDownloaded = () => {} } = {}) {
		const folder = path.join(treesDir, name);
		const wanted = { closureOf: packageNames, leaveOut };
		if (unpackedFrom(folder, wanted)) return folder;
		// A folder of its own, emptied first: afterwards it holds exactly this closure's files.
		const downloads = path.join(stateDir, 'downloads', name);
		fs.rmSync(downloads, { recursive: true, force: true });
		fs.mkdirSync(path.join(downloads, 'partial'), { recursive: true });
		const args = ['install', '--download-only', '--yes', '-qq', '--no-install-recommends', '-o', `Dir::Cache::archives=${downloads}/`, ...packageNames];
		withFreshListsOnFailure(() => apt('apt-get', args));
		const debs = fs.readdirSync(downloads).filter((file) => file.endsWith('.deb')).sort();
		if (debs.length === 0) throw new Error(`apt-get ${args.join(' ')} downloaded nothing into ${downloads}`);
		onDownloaded(debs, downloads);
		const kept = debs.filter((deb) => !leaveOut.includes(deb.split('_')[0]));
		unpackInto(folder, downloads, kept, wanted);
		fs.rmSync(downloads, { recursive: true, force: true }); // unpacked; the folder is what is reused
		return folder;
	}

	return { unpackTree, unpackClosure };
}

/** Package name → version, of a folder made by unpackTree or unpackClosure (read from its .deb file names). */
function treeVersions(folder) {
	const { debs } = JSON.parse(fs.readFileSync(path.join(folder, '.unpacked-from.json'), 'utf8'));
	return Object.fromEntries(debs.map((deb) => deb.split('_')).map(([name, version]) => [name, decodeURIComponent(version).replace(/^\d+:/, '')]));
}

/** The cross toolchain's and the test runtimes' archive: suites this machine's own sources lack (bookworm-backports, trixie), and arm64. */
const crossArchive = debianArchive({
	stateDir: aptDir,
	treesDir: debsDir,
	suites: ['bookworm', 'bookworm-backports', 'bookworm-security', 'trixie'],
	architectures: ['amd64', 'arm64'],
});

module.exports = { KEYRING, debianArchive, crossArchive, treeVersions };
