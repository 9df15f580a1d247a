// Starts a real n8n for a test: queue mode (main + workers, PostgreSQL, Redis) or regular
// mode (one process, SQLite), with this package installed (as a custom extension or from its
// npm tarball), and stops it again.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { ensureN8nInstalled } = require('./install-n8n');
const { n8nDir } = require('./cache-paths');
const { cleanupRegistry } = require('./cleanup-registry');
const { packageExtension } = require('./extension-folder');
const { freePorts } = require('./free-port');
const { sharedEnv, mainEnv, workerEnv, functionsKeyPrefix } = require('./n8n-env');
const { startN8n, runN8nCommand } = require('./n8n-process');
const { phaseTimer } = require('./phase-timer');
const { createDatabase, dropDatabase } = require('./postgres');
const { installPackage, PACKAGE_NAME } = require('./package-install');
const { deleteKeys, listKeys, readKey, streamLength } = require('./redis');
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
 * @param {number} [options.workerConcurrency] `n8n worker --concurrency` (n8n's default: 10)
 * @param {'extension'|'package'} [options.install] the package as a custom extension
 *   (N8N_CUSTOM_EXTENSIONS, node types CUSTOM.*) or its `npm pack` tarball installed into the
 *   user folder's nodes/ as n8n's installer does (node types n8n-nodes-functions.*)
 * @param {Record<string,string>} [options.env] added to every n8n process's environment
 * @param {string[]} [options.workflowFiles] imported before n8n starts
 */
async function startN8nTopology({ mode = 'queue', workers = 1, workerConcurrency, install = 'extension', env: extraEnv = {}, workflowFiles = [] } = {}) {
	const timer = phaseTimer();
	const run = createRunFolder(mode);
	run.env = extraEnv;
	const failuresBefore = globalThis.__n8nE2eFailures ?? 0; // counted by e2e/support/jest-environment.js
	const topology = { mode, run, timer, workers: [], log: (line) => console.log(`[e2e ${mode}] ${line}`) };
	topology.processes = () => [topology.main, ...topology.workers].filter(Boolean);
	topology.testsFailed = () => (globalThis.__n8nE2eFailures ?? 0) > failuresBefore;
	const unregisterCleanups = [];
	topology.stop = (options) => stopTopology(topology, unregisterCleanups, options);
	try {
		await timer.time('install check', () => ensureN8nInstalled({ log: () => {} }));
		if (install === 'package') {
			topology.extension = await timer.time('npm pack + install', () => installPackage({ userFolder: run.userFolder, packDir: path.join(run.dir, 'pack') }));
			topology.nodeTypePrefix = `${PACKAGE_NAME}.`;
		} else {
			topology.extension = packageExtension(run.extensionParent);
			run.extensionFolder = topology.extension.folder;
			topology.nodeTypePrefix = 'CUSTOM.';
		}
		/** The type name of one of this package's nodes in this topology, e.g. nodeType('callFunction'). */
		topology.nodeType = (name) => topology.nodeTypePrefix + name;

		if (mode === 'queue') {
			createDatabase(run.database);
			unregisterCleanups.push(cleanupRegistry().add(() => dropDatabase(run.database)));
		}
		const env = sharedEnv(run);
		topology.workflows = readWorkflows(workflowFiles, topology.nodeTypePrefix);
		if (topology.workflows.length) {
			// Importing first also migrates the fresh database, so main and workers can start together.
			const file = writeImportFile(topology.workflows, path.join(run.dir, 'import', 'workflows.json'));
			await timer.time('import', () => runN8nCommand({ name: 'import', args: ['import:workflow', `--input=${file}`], env, logDir: run.logDir }));
		}

		const [port, mainBroker, ...workerPorts] = await freePorts(2 + 2 * (mode === 'queue' ? workers : 0));
		topology.baseUrl = `http://127.0.0.1:${port}`;
		let mainStarts = 0;
		/** Starts main (again, after stopMain: same environment, database and user folder). */
		topology.startMain = () => {
			if (topology.main && !topology.main.hasExited()) throw new Error('main is already running');
			mainStarts += 1;
			const name = mainStarts === 1 ? 'main' : `main-${mainStarts}`;
			topology.main = startN8n({ name, args: ['start'], env: mainEnv(run, { port, brokerPort: mainBroker }), logDir: run.logDir });
			return timer.time(`${name} ready`, () => waitReady(topology.main, `${topology.baseUrl}/healthz/readiness`, MAIN_READY_MS));
		};
		/** SIGTERM to main only (workers keep running), resolved when it has exited. */
		topology.stopMain = () => timer.time('stop main', () => topology.main.stop());
		const concurrencyArgs = workerConcurrency ? [`--concurrency=${workerConcurrency}`] : [];
		let workerStarts = 0;
		const startWorkers = () =>
			Promise.all(
				Array.from({ length: mode === 'queue' ? workers : 0 }, (_, i) => {
					const [healthPort, brokerPort] = workerPorts.slice(2 * i, 2 * i + 2);
					const name = workerStarts === 0 ? `worker-${i + 1}` : `worker-${i + 1}-${workerStarts + 1}`;
					const worker = startN8n({ name, args: ['worker', ...concurrencyArgs], env: workerEnv(run, { name, healthPort, brokerPort, mainPort: port }), logDir: run.logDir });
					worker.healthUrl = `http://127.0.0.1:${healthPort}`; // its health check, and /metrics with N8N_METRICS=true
					topology.workers.push(worker);
					return timer.time(`${name} ready`, () => waitReady(worker, `http://127.0.0.1:${healthPort}/healthz/readiness`, WORKER_READY_MS));
				}),
			);
		/** Stops every worker (SIGTERM) and starts them again: same environment, ports and database. */
		topology.restartWorkers = async () => {
			const stopping = topology.workers.splice(0);
			await timer.time('stop workers', () => Promise.all(stopping.map((worker) => worker.stop())));
			workerStarts += 1;
			await startWorkers();
		};
		if (topology.workflows.length) {
			await Promise.all([topology.startMain(), startWorkers()]);
		} else {
			await topology.startMain(); // main migrates the database first
			await startWorkers();
		}

		topology.rest = new RestClient(topology.baseUrl);
		await timer.time('owner setup', () => topology.rest.setupOwnerAndLogin());
		return Object.assign(topology, {
			activate: (id) => topology.rest.activate(id),
			webhook: (webhookPath, options) => callWebhook(topology.baseUrl, webhookPath, options),
			executions: (workflowId) => topology.rest.executions(workflowId),
			/** This run's keys of the functions' Redis namespace (queue mode; the prefix derived from n8n's). */
			functionKeys: () => listKeys(n8nDir, functionsKeyPrefix(run)),
			/** The prefix of those keys (for a client of the addon's own, as a caller outside n8n). */
			functionsKeyPrefix: functionsKeyPrefix(run),
			/** Which process runs a call's execution: its runner key (docs/ARCHITECTURE.md "Keys"). */
			runnersOf: async (scope, name) => {
				const keys = await listKeys(n8nDir, `${functionsKeyPrefix(run)}fn:{${scope}/${name}}:runner:`);
				return Promise.all(keys.map((key) => readKey(n8nDir, key)));
			},
			/** Calls not yet answered in a function's stream (queue mode; docs/ARCHITECTURE.md "Keys"). */
			openCalls: (scope, name) => streamLength(n8nDir, `${functionsKeyPrefix(run)}fn:{${scope}/${name}}:calls`),
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
