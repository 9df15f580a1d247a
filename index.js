// Loads the package's native addon: the prebuilt binary for this platform, from binaries/.
//
// Every platform's binary ships inside this one package, because n8n's community-package
// installer drops optionalDependencies (where napi-rs would put one package per platform)
// and runs no install scripts. Each file name carries the package version: Node never loads
// a second library from a path it has already loaded, so after an in-place update the new
// version's file is a new path and the new code runs. The generated index.d.ts types it.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { name, version, napi } = require('./package.json');

const binariesDir = path.join(__dirname, 'binaries');

/** glibc or musl, as this Node itself is built: a glibc build reports its glibc version. */
function linuxLibc() {
	const report = process.report;
	const excludeNetwork = report.excludeNetwork;
	report.excludeNetwork = true; // the report would otherwise resolve host names
	try {
		return report.getReport().header.glibcVersionRuntime ? 'gnu' : 'musl';
	} finally {
		report.excludeNetwork = excludeNetwork;
	}
}

/** napi-rs's platform name: linux-x64-gnu, linux-arm64-musl, darwin-arm64, win32-x64-msvc, … */
function platformName() {
	const { platform, arch } = process;
	if (platform === 'linux') return `linux-${arch}-${linuxLibc()}`;
	if (platform === 'win32') return `win32-${arch}-msvc`;
	return `${platform}-${arch}`;
}

function binaryFileName(platform) {
	return `${napi.binaryName}-${version}.${platform}.node`;
}

/** The platforms this copy of the package carries a binary of this version for. */
function shippedPlatforms() {
	const prefix = `${napi.binaryName}-${version}.`;
	try {
		return fs
			.readdirSync(binariesDir)
			.filter((file) => file.startsWith(prefix) && file.endsWith('.node'))
			.map((file) => file.slice(prefix.length, -'.node'.length));
	} catch {
		return [];
	}
}

function loadBinary() {
	const platform = platformName();
	const file = path.join(binariesDir, binaryFileName(platform));
	if (!fs.existsSync(file)) {
		const shipped = shippedPlatforms();
		throw new Error(
			`${name} ${version} has no native binary for ${platform} (Node ${process.version}); ` +
				`it carries ${shipped.length > 0 ? `binaries for ${shipped.join(', ')}` : 'no binaries at all'}. ` +
				`Run n8n on one of those platforms (n8n's Docker image is linux-x64-musl or linux-arm64-musl), ` +
				`or build ${binaryFileName(platform)} from the package's source (Rust and Node 20+: npm ci && npm run build) into ${binariesDir}.`,
		);
	}
	try {
		return require(file);
	} catch (error) {
		const reason = String(error && error.message).split('\n')[0];
		throw new Error(
			`${name} ${version}: the native binary for ${platform} is there but did not load (${reason}). ` +
				`A missing GLIBC_x.y means this system's C library is older than the binary needs (see the package's README, "Platforms"); ` +
				`otherwise reinstall the package and restart n8n.`,
		);
	}
}

module.exports = loadBinary();
