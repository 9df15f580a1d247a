// Redis MONITOR, recorded and attributed: which commands a run's own connections sent, and
// which ran inside its Lua scripts. Others' traffic on a shared Redis is left out by key
// prefix: a connection counts as the run's once any command it sent names the prefix.
// The recording runs in a process of its own, so reading MONITOR's stream takes no CPU
// from the process being measured.
'use strict';
const path = require('node:path');
const { fork } = require('node:child_process');
const { RespConnection } = require('./resp');

// 1795441646.739137 [0 127.0.0.1:59254] "evalsha" "…" "3" "prefix…"
const LINE = /^(\d+)\.(\d+) \[\d+ ([^\]]+)\] "([^"]+)"(.*)$/;

/** Records in this process; `stop()` returns the parsed lines, those naming `only` if given. */
async function recordHere(url) {
	const connection = await RespConnection.connect(url);
	const lines = [];
	await connection.monitor((text) => {
		const match = typeof text === 'string' && LINE.exec(text);
		if (!match) return;
		const [, seconds, micros, source, command, rest] = match;
		lines.push({ atMs: Number(seconds) * 1000 + Number(micros) / 1000, source, command: command.toUpperCase(), args: rest });
	});
	return {
		stop(only) {
			connection.close();
			return only ? lines.filter((l) => l.args.includes(only)) : lines;
		},
	};
}

/**
 * Starts recording every command Redis sees, in a child process; `await stop(only)` resolves
 * with the parsed lines ({atMs, source, command, args}), only those naming `only` if given.
 */
async function startMonitor(url) {
	const child = fork(__filename, ['--monitor', url], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
	await new Promise((resolve, reject) => {
		child.once('message', (m) => (m.recording ? resolve() : reject(new Error(m.error))));
		child.once('exit', (code) => reject(new Error(`the MONITOR process exited (${code})`)));
	});
	return {
		stop(only) {
			return new Promise((resolve, reject) => {
				child.removeAllListeners('exit');
				child.once('message', (m) => resolve(m.lines));
				child.once('exit', (code) => reject(new Error(`the MONITOR process exited (${code}) before handing its lines`)));
				child.send({ stop: true, only });
			});
		},
	};
}

/**
 * The run's commands among `lines`: `client` (sent by connections that named `prefix`),
 * `script` (run inside Lua scripts, naming `prefix`), each counted by command.
 */
function attribute(lines, prefix) {
	const quoted = prefix.replace(/"/g, '\\"');
	const sources = new Set(lines.filter((l) => l.source !== 'lua' && l.args.includes(quoted)).map((l) => l.source));
	const client = {};
	const script = {};
	let clientTotal = 0;
	let scriptTotal = 0;
	for (const line of lines) {
		if (line.source === 'lua') {
			if (!line.args.includes(quoted)) continue;
			script[line.command] = (script[line.command] ?? 0) + 1;
			scriptTotal++;
		} else if (sources.has(line.source)) {
			client[line.command] = (client[line.command] ?? 0) + 1;
			clientTotal++;
		}
	}
	return { connections: sources.size, client, clientTotal, script, scriptTotal };
}

/** "EVALSHA 12, XREADGROUP 3" */
function describeCounts(counts) {
	return (
		Object.entries(counts)
			.sort((a, b) => b[1] - a[1])
			.map(([command, n]) => `${command} ${n}`)
			.join(', ') || 'none'
	);
}

module.exports = { startMonitor, attribute, describeCounts };

if (require.main === module && process.argv[2] === '--monitor') {
	recordHere(process.argv[3]).then(
		(recording) => {
			process.on('message', (m) => {
				if (!m.stop) return;
				process.send({ lines: recording.stop(m.only) }, () => process.exit(0));
			});
			process.on('disconnect', () => process.exit(0));
			process.send({ recording: true });
		},
		(error) => {
			process.send({ error: error.message });
			process.exit(1);
		},
	);
}
