/** Jest for the whole package: node logic tests and addon tests live under __test__/. */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	testMatch: ['<rootDir>/__test__/**/*.test.ts'],
	globalSetup: '<rootDir>/__test__/support/global-setup.js',
	testTimeout: 30000,
};
