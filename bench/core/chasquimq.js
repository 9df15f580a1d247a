// Optional reference: ChasquiMQ's Python binding (a Rust engine on Redis Streams),
// enqueue → consume throughput of one-way jobs, from PyPI into a venv of its own in the cache
// folder. Skipped, with the reason, when Python, PyPI or the Redis version says no.
//   node bench/core/chasquimq.js [--quick]       PYTHON=python3  CHASQUIMQ_VERSION=1.3.0
'use strict';
const os = require('node:os');
const path = require('node:path');
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');
const { deleteKeys } = require('../support/cleanup');
const { redisUrl, scale, heading, report, runMain } = require('../support/options');
const { RespConnection, info } = require('../support/resp');
const { rate, table } = require('../support/stats');

const VERSION = process.env.CHASQUIMQ_VERSION || '1.3.0';
const cacheDir = process.env.N8N_FUNCTIONS_CACHE || path.join(os.homedir(), '.cache', 'n8n-nodes-functions');
const venv = path.join(cacheDir, `chasquimq-${VERSION}-venv`);
const venvPython = path.join(venv, 'bin', 'python');

function run(command, args, timeoutMs) {
	const result = spawnSync(command, args, { encoding: 'utf8', timeout: timeoutMs });
	const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
	return { ok: result.status === 0, output, error: result.error };
}

/** The venv's python with chasquimq installed, or {skip: reason}. */
function ensureVenv() {
	if (run(venvPython, ['-c', 'import chasquimq'], 30_000).ok) return {};
	const python = process.env.PYTHON || 'python3';
	const created = run(python, ['-m', 'venv', venv], 120_000);
	if (!created.ok) return { skip: `no Python venv (${python} -m venv: ${(created.error?.message ?? created.output).trim().split('\n').pop()})` };
	const installed = run(venvPython, ['-m', 'pip', 'install', '--quiet', `chasquimq==${VERSION}`], 300_000);
	if (!installed.ok) {
		fs.rmSync(venv, { recursive: true, force: true });
		return { skip: `chasquimq ${VERSION} does not install from PyPI here: ${installed.output.trim().split('\n').pop()}` };
	}
	return {};
}

async function redisVersion() {
	const connection = await RespConnection.connect(redisUrl);
	try {
		return (await info(connection, 'server')).redis_version;
	} finally {
		connection.close();
	}
}

async function main() {
	heading(`ChasquiMQ ${VERSION} (Python binding of a Rust engine): enqueue → consume, one-way`);
	const jobs = scale(50_000, 1000);
	const queue = `bench-${Date.now().toString(36)}`;
	const version = await redisVersion();
	let result;
	try {
		const venvState = ensureVenv();
		if (venvState.skip) {
			result = { skipped: venvState.skip };
		} else {
			const script = path.join(__dirname, 'chasquimq_bench.py');
			const ran = run(venvPython, [script, redisUrl, queue, String(jobs), '256'], 360_000);
			if (ran.ok) {
				result = JSON.parse(ran.output.trim().split('\n').pop());
			} else if (/Invalid stream ID/.test(ran.output)) {
				result = { skipped: `chasquimq ${VERSION} installs from PyPI, but sends XADD … IDMP (idempotent production, Redis 8.6+), which Redis ${version} refuses ("ERR Invalid stream ID"); point REDIS_URL at a Redis 8.6+ to run it` };
			} else {
				result = { skipped: `the ChasquiMQ run failed: ${ran.output.trim().split('\n').slice(-3).join(' | ')}` };
			}
		}
	} finally {
		await deleteKeys([`{chasqui:${queue}}*`]);
	}
	if (result.skipped) console.log(`skipped: ${result.skipped}`);
	else console.log(table(['', 'jobs', 'seconds', 'jobs/s'], [[`chasquimq ${result.version}, 256 per add_bulk, worker defaults`, result.jobs, result.seconds.toFixed(2), rate(result.per_second)]]));
	report('chasquimq', { ...result, redisVersion: version });
}

if (require.main === module) runMain(main);
