// One n8n process (main, worker or a CLI command) in its own process group, logging to a file.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { nodeBinDir, n8nBin } = require('./cache-paths');
const { cleanupRegistry } = require('./cleanup-registry');

const STOP_TIMEOUT_MS = 15_000;

/** The last `lines` lines of a log file, headed by its path. */
function logTail(logFile, lines = 40) {
	let text = '';
	try {
		text = fs.readFileSync(logFile, 'utf8');
	} catch {
		return `--- ${logFile}: missing ---`;
	}
	return `--- last ${lines} lines of ${logFile} ---\n${text.split('\n').slice(-lines - 1).join('\n')}`;
}

function killGroup(pid, signal) {
	try {
		process.kill(-pid, signal); // the group: n8n and the task runner it spawned
	} catch (error) {
		if (error.code !== 'ESRCH') throw error;
	}
}

/**
 * Starts `node n8n <args>` with Node 24. Its group is killed when the test run ends,
 * whatever way it ends.
 */
function startN8n({ name, args, env, logDir }) {
	const logFile = path.join(logDir, `${name}.log`);
	const out = fs.openSync(logFile, 'a');
	const child = spawn(path.join(nodeBinDir, 'node'), [n8nBin, ...args], {
		env,
		cwd: logDir,
		detached: true, // its own process group, so stopping it stops its children too
		stdio: ['ignore', out, out],
	});
	fs.closeSync(out);
	const proc = { name, logFile, pid: child.pid, exitCode: undefined, signal: undefined };
	const exited = new Promise((resolve) => {
		child.once('exit', (code, signal) => {
			proc.exitCode = code;
			proc.signal = signal;
			resolve();
		});
		child.once('error', (error) => {
			proc.exitCode = -1;
			proc.signal = error.message;
			resolve();
		});
	});
	const unregister = cleanupRegistry().add(() => killGroup(child.pid, 'SIGKILL'));

	proc.hasExited = () => proc.exitCode !== undefined;
	proc.exitReason = () => (proc.hasExited() ? `${name} exited (${proc.signal ?? `code ${proc.exitCode}`})` : null);
	proc.tail = (lines) => logTail(logFile, lines);
	proc.exited = exited;
	/** SIGTERM to the group, SIGKILL if it has not exited within STOP_TIMEOUT_MS. */
	proc.stop = async () => {
		if (!proc.hasExited()) {
			killGroup(child.pid, 'SIGTERM');
			const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), STOP_TIMEOUT_MS);
			await exited;
			clearTimeout(timer);
		}
		killGroup(child.pid, 'SIGKILL'); // a task runner that outlived its parent
		unregister();
	};
	/** SIGKILL to the group, as when a machine or container dies: no shutdown at all. */
	proc.kill = async () => {
		killGroup(child.pid, 'SIGKILL');
		await exited;
		unregister();
	};
	return proc;
}

/** Runs an n8n CLI command to its end; throws with the log's tail when it fails. */
async function runN8nCommand({ name, args, env, logDir, timeoutMs = 120_000 }) {
	const proc = startN8n({ name, args, env, logDir });
	const timer = setTimeout(() => killGroup(proc.pid, 'SIGKILL'), timeoutMs);
	await proc.exited;
	clearTimeout(timer);
	await proc.stop();
	if (proc.exitCode !== 0) {
		throw new Error(`n8n ${args.join(' ')} failed (${proc.signal ?? `exit ${proc.exitCode}`}, limit ${timeoutMs / 1000} s)\n${proc.tail()}`);
	}
}

module.exports = { startN8n, runN8nCommand, logTail };
