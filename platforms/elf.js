// What a Linux binary links against, read with readelf (binutils): the libraries it needs,
// the glibc symbol versions it asks for, the processor it is built for.
'use strict';
const { execFileSync } = require('node:child_process');

function readelf(flag, file) {
	return execFileSync('readelf', ['--wide', flag, file], { encoding: 'utf8' });
}

/** "Advanced Micro Devices X86-64", "AArch64", … */
function machine(file) {
	const match = /^\s*Machine:\s*(.+)$/m.exec(readelf('--file-header', file));
	return match ? match[1].trim() : '';
}

/** The DT_NEEDED entries: the shared libraries the loader must find. */
function neededLibraries(file) {
	return [...readelf('--dynamic', file).matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((match) => match[1]);
}

/** The GLIBC_x.y versions its symbols require, in ascending order (none for a musl binary). */
function glibcVersions(file) {
	const versions = new Set([...readelf('--version-info', file).matchAll(/Name: (GLIBC_[0-9.]+)/g)].map((match) => match[1].slice('GLIBC_'.length)));
	return [...versions].sort(compareVersions);
}

function compareVersions(a, b) {
	const [x, y] = [a, b].map((version) => version.split('.').map(Number));
	for (let i = 0; i < Math.max(x.length, y.length); i++) {
		if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
	}
	return 0;
}

module.exports = { machine, neededLibraries, glibcVersions, compareVersions };
