// The environment of each n8n process: built from scratch, so nothing from the test runner
// (NODE_ENV=test makes n8n refuse to load nodes) or from the developer's shell leaks in.
'use strict';
const path = require('node:path');
const { nodeBinDir } = require('./cache-paths');
const { postgresSettings } = require('./postgres');
const { queueRedisEnv } = require('./redis');

const PASSED_THROUGH = ['HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'SHELL', 'RUST_LOG', 'RUST_BACKTRACE'];

function pick(names) {
	return Object.fromEntries(names.filter((name) => process.env[name] !== undefined).map((name) => [name, process.env[name]]));
}

/** What every process of a run shares (main, workers, CLI commands). */
function sharedEnv(run) {
	const env = {
		...pick(PASSED_THROUGH),
		PATH: `${nodeBinDir}${path.delimiter}${process.env.PATH}`,
		NODE_ENV: 'production',
		N8N_USER_FOLDER: run.userFolder,
		N8N_ENCRYPTION_KEY: run.encryptionKey,
		N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL || 'info',
		N8N_LOG_OUTPUT: 'console',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_RUNNERS_MODE: 'internal',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
		N8N_SECURE_COOKIE: 'false', // plain http on loopback
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5', // stopping a run should not take 30 s
		// Installed as a package, n8n finds it in the user folder; as a custom extension, here.
		...(run.extensionFolder ? { N8N_CUSTOM_EXTENSIONS: run.extensionFolder } : {}),
		...run.env, // what a test adds (startN8nTopology's `env`)
	};
	if (run.mode === 'regular') {
		// One process, SQLite, no Redis anywhere: the addon must pick its in-process backend.
		return { ...env, DB_TYPE: 'sqlite' };
	}
	return {
		...env,
		// A developer's N8N_FUNCTIONS_* settings reach the addon, but not a key prefix: this
		// package derives its own from n8n's prefixes, fresh per run, as in any deployment.
		...Object.fromEntries(
			Object.entries(process.env).filter(([key]) => key.startsWith('N8N_FUNCTIONS_') && key !== 'N8N_FUNCTIONS_KEY_PREFIX'),
		),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: postgresSettings.host,
		DB_POSTGRESDB_PORT: String(postgresSettings.port),
		DB_POSTGRESDB_USER: postgresSettings.user,
		DB_POSTGRESDB_PASSWORD: postgresSettings.password,
		DB_POSTGRESDB_DATABASE: run.database,
		EXECUTIONS_MODE: 'queue',
		...queueRedisEnv(),
		QUEUE_BULL_PREFIX: `${run.keyPrefix}bull`,
		N8N_REDIS_KEY_PREFIX: `${run.keyPrefix}n8n`,
	};
}

/** This package's key prefix in queue mode: derived from n8n's two prefixes (src/config.rs). */
function functionsKeyPrefix(run) {
	return `${run.keyPrefix}n8n-functions:${run.keyPrefix}bull:`;
}

/**
 * Where main serves webhooks, as a queue-mode deployment tells every process (WEBHOOK_URL):
 * workers build the resume URLs of waiting executions ($execution.resumeUrl) from it.
 */
function webhookUrl(port) {
	return `http://127.0.0.1:${port}/`;
}

// E2E_PROCESS_NAME says which process ran something (readable as $env.E2E_PROCESS_NAME where
// N8N_BLOCK_ENV_ACCESS_IN_NODE=false).
function mainEnv(run, { port, brokerPort }) {
	return {
		...sharedEnv(run),
		E2E_PROCESS_NAME: 'main',
		N8N_PORT: String(port),
		WEBHOOK_URL: webhookUrl(port),
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
	};
}

function workerEnv(run, { name, healthPort, brokerPort, mainPort }) {
	return {
		...sharedEnv(run),
		WEBHOOK_URL: webhookUrl(mainPort),
		E2E_PROCESS_NAME: name,
		QUEUE_HEALTH_CHECK_ACTIVE: 'true',
		QUEUE_HEALTH_CHECK_PORT: String(healthPort),
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
	};
}

module.exports = { sharedEnv, mainEnv, workerEnv, functionsKeyPrefix };
