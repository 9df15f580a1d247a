// Stops what a run started even when it ends badly: a failed hook, Ctrl-C, a SIGTERM from CI.
//
// Inside jest a test file sees a copy of `process` whose signal handlers never fire, so the
// e2e jest environment (which runs outside the sandbox) owns the registry and hands it to the
// tests as a global; plain node scripts (benchmarks) get one on their own process.
'use strict';

const SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/** Cleanups must be synchronous: they also run from the 'exit' event. */
function createRegistry(realProcess) {
	const tasks = new Map();
	let nextId = 0;
	const runAll = () => {
		for (const [id, task] of [...tasks].reverse()) {
			tasks.delete(id);
			try {
				task();
			} catch (error) {
				realProcess.stderr.write(`[e2e cleanup] ${error.message}\n`);
			}
		}
	};
	const onSignal = (signal) => {
		runAll();
		realProcess.exit(SIGNALS[signal]);
	};
	realProcess.on('exit', runAll);
	for (const signal of Object.keys(SIGNALS)) realProcess.on(signal, onSignal);
	return {
		/** Registers a sync cleanup; returns a function that unregisters it. */
		add(task) {
			const id = nextId++;
			tasks.set(id, task);
			return () => tasks.delete(id);
		},
		runAll,
		dispose() {
			runAll();
			realProcess.off('exit', runAll);
			for (const signal of Object.keys(SIGNALS)) realProcess.off(signal, onSignal);
		},
	};
}

let ownRegistry;
/** The registry in force: the jest environment's, or one on this process. */
function cleanupRegistry() {
	if (globalThis.__n8nE2eCleanup) return globalThis.__n8nE2eCleanup;
	ownRegistry ??= createRegistry(process);
	return ownRegistry;
}

module.exports = { createRegistry, cleanupRegistry };
