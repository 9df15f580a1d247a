// Starts a real n8n for a test: queue mode (main + workers, PostgreSQL, Redis) or regular
// mode (one process, SQLite), with this package as a custom extension, and stops it again.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { ensureN8nInstalled } = require('./install-n8n');
const { n8nDir } = require('./cache-paths');
const { cleanupRegistry } = require('./cleanup-registry');
const { packageExtension } = require('./extension-folder');
const { freePorts } = require('./free-port');
const { sharedEnv, mainEnv, workerEnv } = require('./n8n-env');
const { startN8n, runN8nCommand } = require('./n8n-process');
const { phaseTimer } = require('./phase-timer');
const { createDatabase, dropDatabase } = require('./postgres');
const { deleteKeys, listKeys } = require('./redis');
const { RestClient } = require('./rest-client');
const { createRunFolder } = require('./run-folder');
const { waitUntil, answers200 } = require('./wait-until');
const { callWebhook } = require('./webhook');
const { readWorkflows, writeImportFile } = require('./workflow-files');

const MAIN_READY_MS = 120_000;
const WORKER_READY_MS = 90_000;

function waitReady(proc, url, timeoutMs) {
	return waitUntil(`${proc.name} ready at ${url}`, () => answers200(url), { timeoutMs, abort: proc.exitReason }).catch((error) => {
		error.message += `\n${proc.tail()}`;
		throw error;
	});
}

/**
 * @param {object} options
 * @param {'queue'|'regular'} [options.mode]
 * @param {number} [options.workers] queue mode only
 * @param {string[]} [options.workflowFiles] imported before n8n starts (node types rewritten to CUSTOM.*)
 */
async function startN8nTopology({ mode = 'queue', workers = 1, workflowFiles = [] } = {}) {
	const timer = phaseTimer();
	const run = createRunFolder(mode);
	const failuresBefore = globalThis.__n8nE2eFailures ?? 0; // counted by e2e/support/jest-environment.js
	const topology = { mode, run, timer, workers: [], log: (line) => console.log(`[e2e ${mode}] ${line}`) };
	topology.processes = () => [topology.main, ...topology.workers].filter(Boolean);
	topology.testsFailed = () => (globalThis.__n8nE2eFailures ?? 0) > failuresBefore;
	const unregisterCleanups = [];
	topology.stop = (options) => stopTopology(topology, unregisterCleanups, options);
	try {
		await timer.time('install check', () => ensureN8nInstalled({ log: () => {} }));
		const extension = packageExtension(run.extensionParent);
		run.extensionFolder = extension.folder;
		topology.extension = extension;

		if (mode === 'queue') {
			createDatabase(run.database);
			unregisterCleanups.push(cleanupRegistry().add(() => dropDatabase(run.database)));
		}
		const env = sharedEnv(run);
		topology.workflows = readWorkflows(workflowFiles);
		if (topology.workflows.length) {
			// Importing first also migrates the fresh database, so main and workers can start together.
			const file = writeImportFile(topology.workflows, path.join(run.dir, 'import', 'workflows.json'));
			await timer.time('import', () => runN8nCommand({ name: 'import', args: ['import:workflow', `--input=${file}`], env, logDir: run.logDir }));
		}

		const [port, mainBroker, ...workerPorts] = await freePorts(2 + 2 * (mode === 'queue' ? workers : 0));
		topology.baseUrl = `http://127.0.0.1:${port}`;
		const startMain = () => {
			topology.main = startN8n({ name: 'main', args: ['start'], env: mainEnv(run, { port, brokerPort: mainBroker }), logDir: run.logDir });
			return timer.time('main ready', () => waitReady(topology.main, `${topology.baseUrl}/healthz/readiness`, MAIN_READY_MS));
		};
		const startWorkers = () =>
			Promise.all(
				Array.from({ length: mode === 'queue' ? workers : 0 }, (_, i) => {
					const [healthPort, brokerPort] = workerPorts.slice(2 * i, 2 * i + 2);
					const worker = startN8n({ name: `worker-${i + 1}`, args: ['worker'], env: workerEnv(run, { healthPort, brokerPort }), logDir: run.logDir });
					topology.workers.push(worker);
					return timer.time(`${worker.name} ready`, () => waitReady(worker, `http://127.0.0.1:${healthPort}/healthz/readiness`, WORKER_READY_MS));
				}),
			);
		if (topology.workflows.length) {
			await Promise.all([startMain(), startWorkers()]);
		} else {
			await startMain(); // main migrates the database first
			await startWorkers();
		}

		topology.rest = new RestClient(topology.baseUrl);
		await timer.time('owner setup', () => topology.rest.setupOwnerAndLogin());
		return Object.assign(topology, {
			activate: (id) => topology.rest.activate(id),
			webhook: (webhookPath, options) => callWebhook(topology.baseUrl, webhookPath, options),
			executions: (workflowId) => topology.rest.executions(workflowId),
			/** This run's keys of the functions' Redis namespace (queue mode; N8N_FUNCTIONS_KEY_PREFIX). */
			functionKeys: () => listKeys(n8nDir, `${run.keyPrefix}fn:`),
			logTails: (lines) => topology.processes().map((p) => p.tail(lines)).join('\n'),
		});
	} catch (error) {
		error.message += `\n(run folder kept: ${run.dir})`;
		await topology.stop({ failed: true }).catch(() => {});
		throw error;
	}
}

/** Stops only what this topology started; keeps the run folder and prints log tails when a test failed. */
async function stopTopology(topology, unregisterCleanups, { failed = topology.testsFailed() } = {}) {
	const { run, timer } = topology;
	const processes = topology.processes();
	if (failed) {
		topology.log(`a test failed: logs of this run in ${run.logDir}\n${processes.map((p) => p.tail(40)).join('\n')}`);
	}
	await timer.time('stop', async () => {
		await Promise.all(processes.map((p) => p.stop()));
		if (run.mode === 'queue') {
			await deleteKeys(n8nDir, run.keyPrefix).catch((error) => topology.log(`could not delete Redis keys ${run.keyPrefix}*: ${error.message}`));
		}
		for (const unregister of unregisterCleanups.splice(0)) unregister();
		if (run.mode === 'queue') dropDatabase(run.database);
	});
	if (!failed && !process.env.N8N_E2E_KEEP) fs.rmSync(run.dir, { recursive: true, force: true });
	topology.log(timer.summary('timings'));
}

module.exports = { startN8nTopology };
