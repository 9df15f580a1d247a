#!/usr/bin/env node
// Builds the native binaries the package ships into binaries/, named with the package
// version (see targets.js). This machine's own platform builds with rustup's toolchain, as
// `npm run build` always did; the other Linux targets cross-build with zig (cargo-zigbuild)
// and Debian's rustc (toolchain/rust.js), in a target folder of their own under the cache.
//
//   node platforms/build.js                 this machine's platform (npm run build:addon)
//   node platforms/build.js --linux         all four Linux binaries (npm run build:linux)
//   node platforms/build.js <triple>...     the named targets
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const targets = require('./targets');
const { crossTargetDir } = require('./toolchain/paths');
const { run } = require('./toolchain/run');

const BUILD_TIMEOUT_MS = 40 * 60 * 1000;
// napi's CLI run by this Node (not through node_modules/.bin, which is a .cmd file on Windows).
const napiManifest = require.resolve('@napi-rs/cli/package.json', { paths: [targets.repoRoot] });
const napiCli = path.join(path.dirname(napiManifest), require(napiManifest).bin.napi);

/** The triple of the machine running this, for the platforms this repo builds natively. */
function hostTriple() {
	const arch = { x64: 'x86_64', arm64: 'aarch64' }[process.arch];
	if (process.platform === 'linux' && arch) {
		const glibc = Boolean(process.report.getReport().header.glibcVersionRuntime);
		return `${arch}-unknown-linux-${glibc ? 'gnu' : 'musl'}`;
	}
	if (process.platform === 'darwin' && arch) return `${arch}-apple-darwin`;
	if (process.platform === 'win32' && arch) return `${arch}-pc-windows-msvc`;
	throw new Error(`No Rust target is known for ${process.platform}-${process.arch}; build with "npx napi build --platform --release" and name the file yourself`);
}

/** Leaves exactly one binary for the platform: the one just built, under this version's name. */
function install(built, triple) {
	const destination = targets.binaryFile(triple);
	const platform = targets.platformOf(triple);
	fs.mkdirSync(targets.binariesDir, { recursive: true });
	for (const file of fs.readdirSync(targets.binariesDir)) {
		if (file.endsWith(`.${platform}.node`)) fs.rmSync(path.join(targets.binariesDir, file));
	}
	fs.renameSync(built, destination);
	return destination;
}

function napiArgs(triple, outputDir, cross) {
	// --no-js: index.js is the package's own loader, not napi's generated one.
	const args = ['build', '--platform', '--release', '--no-js', '--output-dir', outputDir];
	if (cross) args.push('--target', triple, '--cross-compile');
	return args;
}

function buildHost(triple) {
	// Output at the repo root, so napi also rewrites index.d.ts there from the Rust sources.
	run(`napi build ${triple}`, process.execPath, [napiCli, ...napiArgs(triple, targets.repoRoot, false)], { cwd: targets.repoRoot, inherit: true, timeoutMs: BUILD_TIMEOUT_MS });
	return install(path.join(targets.repoRoot, `functions.${targets.platformOf(triple)}.node`), triple);
}

/** True when rustup's toolchain has std for `triple` (rustup target add), as on CI runners with network. */
function rustupHasStd(triple) {
	try {
		const sysroot = run('rustc --print sysroot', 'rustc', ['--print', 'sysroot']).trim();
		return fs.readdirSync(path.join(sysroot, 'lib', 'rustlib', triple, 'lib')).some((file) => file.startsWith('libstd-'));
	} catch {
		return false;
	}
}

/** RUSTC and friends for the cross build: rustup's own when it has the target's std, else Debian's. */
function compilerFor(triple) {
	if (rustupHasStd(triple)) return { env: {}, how: "rustup's toolchain" };
	const { rustEnvFor } = require('./toolchain/rust');
	const rust = rustEnvFor(triple);
	return { env: rust.env, how: `Debian's rustc ${rust.version}${rust.stdFromSource ? ', std built from source' : ''}` };
}

function buildCross(triple) {
	const { ensureZigTools } = require('./toolchain/pypi');
	const zigBin = ensureZigTools();
	const compiler = compilerFor(triple);
	const outputDir = path.join(crossTargetDir, 'napi-output', triple); // index.d.ts stays the host build's
	fs.mkdirSync(outputDir, { recursive: true });
	console.log(`[build] ${triple}: cargo-zigbuild with ${compiler.how}`);
	// A target folder per target: a musl build (build-std) and a glibc one would otherwise
	// rebuild each other's build scripts and proc macros, and everything that uses them.
	const env = { ...process.env, ...compiler.env, PATH: `${zigBin}${path.delimiter}${process.env.PATH}`, CARGO_TARGET_DIR: path.join(crossTargetDir, triple) };
	run(`napi build ${triple}`, 'nice', ['-n', '10', process.execPath, napiCli, ...napiArgs(triple, outputDir, true)], { cwd: targets.repoRoot, env, inherit: true, timeoutMs: BUILD_TIMEOUT_MS });
	return install(path.join(outputDir, `functions.${targets.platformOf(triple)}.node`), triple);
}

function build(triple) {
	const started = Date.now();
	const cross = triple !== hostTriple();
	if (cross && os.platform() !== 'linux') throw new Error(`Cross-building ${triple} is set up for a Linux x64 machine only; build it on its own platform`);
	const file = cross ? buildCross(triple) : buildHost(triple);
	const seconds = ((Date.now() - started) / 1000).toFixed(0);
	console.log(`[build] ${triple} → ${path.relative(targets.repoRoot, file)} (${(fs.statSync(file).size / 1e6).toFixed(1)} MB, ${seconds} s)`);
	return file;
}

function requestedTriples(argv) {
	if (argv.length === 0) return [hostTriple()];
	if (argv.length === 1 && argv[0] === '--linux') return targets.LINUX_TRIPLES;
	for (const triple of argv) targets.platformOf(triple); // throws, naming the known targets
	return argv;
}

module.exports = { build, hostTriple };

if (require.main === module) {
	try {
		for (const triple of requestedTriples(process.argv.slice(2))) build(triple);
	} catch (error) {
		console.error(`[build] ${error.message}`);
		process.exit(1);
	}
}
