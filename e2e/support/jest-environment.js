// Jest environment of the e2e tests: node's, plus a cleanup registry on the real process
// and a count of failures, so a topology knows when to print its logs.
'use strict';
const { TestEnvironment } = require('jest-environment-node');
const { createRegistry } = require('./cleanup-registry');

class E2eEnvironment extends TestEnvironment {
	async setup() {
		await super.setup();
		this.registry = createRegistry(process);
		this.global.__n8nE2eCleanup = this.registry;
		this.global.__n8nE2eFailures = 0;
	}

	handleTestEvent(event) {
		if (event.name === 'test_fn_failure' || event.name === 'hook_failure') this.global.__n8nE2eFailures += 1;
	}

	async teardown() {
		this.registry.dispose(); // whatever afterAll did not stop
		await super.teardown();
	}
}

module.exports = E2eEnvironment;
