// The platforms the package ships a native binary for, and the binary's file name on each.
// package.json's napi.targets lists the Rust target triples the release workflow builds;
// the four Linux ones are also built and load-tested on a Linux x64 machine (this folder).
'use strict';
const path = require('node:path');

const repoRoot = path.join(__dirname, '..');
const pkg = require(path.join(repoRoot, 'package.json'));

/** Rust target triple → napi's platform name, the one index.js derives from Node's process. */
const PLATFORM_OF_TRIPLE = {
	'x86_64-unknown-linux-gnu': 'linux-x64-gnu',
	'x86_64-unknown-linux-musl': 'linux-x64-musl',
	'aarch64-unknown-linux-gnu': 'linux-arm64-gnu',
	'aarch64-unknown-linux-musl': 'linux-arm64-musl',
	'x86_64-apple-darwin': 'darwin-x64',
	'aarch64-apple-darwin': 'darwin-arm64',
	'x86_64-pc-windows-msvc': 'win32-x64-msvc',
};

const LINUX_TRIPLES = ['x86_64-unknown-linux-gnu', 'x86_64-unknown-linux-musl', 'aarch64-unknown-linux-gnu', 'aarch64-unknown-linux-musl'];

/**
 * The highest GLIBC_x.y symbol version each glibc binary needs, as built here (README,
 * "Platforms"): a system with an older glibc cannot load it. The platform tests check it.
 */
const GLIBC_FLOOR = {
	'x86_64-unknown-linux-gnu': '2.34', // rustup's toolchain on Debian 12
	'aarch64-unknown-linux-gnu': '2.30', // cargo-zigbuild and zig with their default glibc
};

const binariesDir = path.join(repoRoot, 'binaries');

function platformOf(triple) {
	const platform = PLATFORM_OF_TRIPLE[triple];
	if (!platform) throw new Error(`Unknown target ${triple}: known are ${Object.keys(PLATFORM_OF_TRIPLE).join(', ')}`);
	return platform;
}

/** binaries/functions-<version>.<platform>.node: the version keeps an in-place update from running the old library. */
function binaryFile(triple) {
	return path.join(binariesDir, `${pkg.napi.binaryName}-${pkg.version}.${platformOf(triple)}.node`);
}

module.exports = {
	repoRoot,
	binariesDir,
	LINUX_TRIPLES,
	GLIBC_FLOOR,
	RELEASE_TRIPLES: pkg.napi.targets,
	platformOf,
	binaryFile,
};
