// The Rust compiler for the cross builds, from Debian's packages: rustup here serves only
// the host's std, and no other download is allowed. bookworm-security's rustc-web ships
// std for x86_64 and (as libstd-rust-web-dev:arm64) aarch64 glibc; musl's std is built from
// Debian's rust-web-src by cargo itself (-Z build-std, allowed by RUSTC_BOOTSTRAP).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { platformsDir } = require('./paths');
const { crossArchive, treeVersions } = require('./apt');

const SUITE = 'bookworm-security';
const RUST_PACKAGES = [
	{ name: 'rustc-web', arch: 'amd64' },
	{ name: 'libstd-rust-web-1.96', arch: 'amd64' }, // rustc's own driver library
	{ name: 'libllvm22', arch: 'amd64' },
	{ name: 'libstd-rust-web-dev', arch: 'amd64' }, // std for build scripts and proc macros
	{ name: 'libstd-rust-web-dev', arch: 'arm64' }, // std for aarch64-unknown-linux-gnu
	{ name: 'rust-web-src', arch: 'all' }, // std's source, for the musl targets
].map((pkg) => ({ ...pkg, suite: SUITE }));

/** Targets whose std ships prebuilt in the packages above; the others build it from source. */
const PREBUILT_STD = new Set(['x86_64-unknown-linux-gnu', 'aarch64-unknown-linux-gnu']);

/** Unpacks Debian's rustc and writes a `rustc` that runs it with its own libraries; returns that file. */
function debianRustc() {
	const root = crossArchive.unpackTree('rust', RUST_PACKAGES);
	const wrapper = path.join(platformsDir, 'rust', 'rustc');
	const script = [
		'#!/bin/sh',
		"# Debian's rustc-web, unpacked (not installed): its libraries are found through LD_LIBRARY_PATH.",
		`LD_LIBRARY_PATH="${path.join(root, 'usr', 'lib', 'x86_64-linux-gnu')}\${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" exec "${path.join(root, 'usr', 'bin', 'rustc')}" "$@"`,
		'',
	].join('\n');
	fs.mkdirSync(path.dirname(wrapper), { recursive: true });
	if (!fs.existsSync(wrapper) || fs.readFileSync(wrapper, 'utf8') !== script) fs.writeFileSync(wrapper, script, { mode: 0o755 });
	return { rustc: wrapper, version: treeVersions(root)['rustc-web'] };
}

/**
 * The environment that makes cargo build `triple` with Debian's rustc: RUSTC, and for a
 * target without a prebuilt std, cargo's build-std.
 */
function rustEnvFor(triple) {
	const { rustc, version } = debianRustc();
	const env = { RUSTC: rustc };
	if (!PREBUILT_STD.has(triple)) {
		env.RUSTC_BOOTSTRAP = '1'; // build-std is a nightly feature; this rustc is a stable one
		env.CARGO_UNSTABLE_BUILD_STD = 'std,panic_abort';
	}
	return { env, version, stdFromSource: !PREBUILT_STD.has(triple) };
}

module.exports = { rustEnvFor };
