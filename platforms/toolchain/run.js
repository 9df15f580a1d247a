// Runs a tool step: its output goes to a log file (the toolchain's, unless the caller names
// another) or to the console for builds, and a failure throws with the step's name and the
// end of what it printed.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { logFile } = require('./paths');

const DEFAULT_TIMEOUT_MS = 20 * 60 * 1000;

function tail(text, lines = 30) {
	return String(text ?? '').trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * Runs `command args` and returns its stdout. `inherit: true` shows its output live (long
 * builds in CI's log); otherwise both streams are captured and appended to `log`.
 */
function run(title, command, args, { inherit = false, timeoutMs = DEFAULT_TIMEOUT_MS, log = logFile, ...options } = {}) {
	fs.mkdirSync(path.dirname(log), { recursive: true });
	fs.appendFileSync(log, `\n=== ${new Date().toISOString()} ${title}: ${command} ${args.join(' ')}\n`);
	const result = spawnSync(command, args, {
		encoding: 'utf8',
		maxBuffer: 256 * 1024 * 1024,
		timeout: timeoutMs,
		killSignal: 'SIGKILL',
		stdio: inherit ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
		...options,
	});
	if (!inherit) fs.appendFileSync(log, `${result.stdout ?? ''}${result.stderr ?? ''}`);
	if (result.status !== 0) {
		const why = result.error ? result.error.message : result.signal ? `killed by ${result.signal} (time limit ${timeoutMs / 1000} s?)` : `exit ${result.status}`;
		const output = inherit ? '' : `\n${tail(`${result.stdout ?? ''}${result.stderr ?? ''}`)}`;
		throw new Error(`${title} failed: ${why} (${command} ${args.join(' ')}; log: ${log})${output}`);
	}
	return result.stdout ?? '';
}

module.exports = { run, tail };
