// End-to-end tests: real n8n processes, one suite at a time (2 cores; shared Redis/PostgreSQL).
'use strict';

/** @type {import('jest').Config} */
module.exports = {
	rootDir: __dirname, // crawl e2e/ only, never target/ or node_modules/
	testMatch: ['<rootDir>/**/*.e2e.test.js'],
	testEnvironment: '<rootDir>/support/jest-environment.js',
	globalSetup: '<rootDir>/support/global-setup.js',
	testTimeout: 120_000,
	maxWorkers: 1,
	verbose: true,
};
