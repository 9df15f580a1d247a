#!/usr/bin/env node
// Checks what a packed package (npm pack's tarball) carries: exactly one binary per target,
// each named with the package's own version, and nothing else in binaries/. The release
// workflow runs it before publishing; the platform tests run it on the Linux package.
//
//   node platforms/package-check.js <tarball> [--release]   (--release: every target of napi.targets)
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const targets = require('./targets');

/** The file names under package/binaries/ in the tarball. */
function binariesIn(tarball) {
	const entries = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n');
	return entries.filter((entry) => entry.startsWith('package/binaries/') && !entry.endsWith('/')).map((entry) => entry.slice('package/binaries/'.length));
}

/** Throws, naming what is missing and what is extra, unless the tarball holds exactly `triples`' binaries. */
function checkBinaries(tarball, triples) {
	const expected = triples.map((triple) => path.basename(targets.binaryFile(triple))).sort();
	const found = binariesIn(tarball).sort();
	const missing = expected.filter((file) => !found.includes(file));
	const extra = found.filter((file) => !expected.includes(file));
	if (missing.length || extra.length) {
		throw new Error(
			`${path.basename(tarball)} should carry ${expected.join(', ')}` +
				`${missing.length ? `; missing: ${missing.join(', ')} (build them: node platforms/build.js <triple>)` : ''}` +
				`${extra.length ? `; not expected: ${extra.join(', ')} (remove them from binaries/)` : ''}`,
		);
	}
	return { files: found, bytes: fs.statSync(tarball).size };
}

module.exports = { binariesIn, checkBinaries };

if (require.main === module) {
	const [tarball, flag] = process.argv.slice(2);
	try {
		if (!tarball) throw new Error('usage: node platforms/package-check.js <tarball> [--release]');
		const { files, bytes } = checkBinaries(tarball, flag === '--release' ? targets.RELEASE_TRIPLES : targets.LINUX_TRIPLES);
		console.log(`${path.basename(tarball)}: ${(bytes / 1e6).toFixed(1)} MB, binaries ${files.join(', ')}`);
	} catch (error) {
		console.error(`[package-check] ${error.message}`);
		process.exit(1);
	}
}
