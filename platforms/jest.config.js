// The platform tests: the four Linux binaries in their own platforms' Node (one at a time:
// qemu and the shared Redis are enough load for 2 cores).
'use strict';

/** @type {import('jest').Config} */
module.exports = {
	rootDir: __dirname,
	testMatch: ['<rootDir>/**/*.test.js'],
	testEnvironment: 'node',
	testTimeout: 180_000,
	maxWorkers: 1,
	verbose: true,
};
