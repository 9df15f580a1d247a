// Child processes of a benchmark: a system's server (bench/core/systems/server.js) or any
// script that reports back over IPC. Each is killed when the benchmark exits.
'use strict';
const path = require('node:path');
const { fork } = require('node:child_process');

const children = new Set();
process.on('exit', () => {
	for (const child of children) child.kill('SIGKILL');
});

/** Forks `script` and resolves with the child once it sends a message satisfying `isReady`. */
function forkReady(script, args, { isReady = (m) => m.ready, timeoutMs = 60_000, execArgv = [] } = {}) {
	const child = fork(script, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
	children.add(child);
	child.once('exit', () => children.delete(child));
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`${path.basename(script)} ${args[0] ?? ''} not ready within ${timeoutMs / 1000} s`)), timeoutMs);
		child.on('message', (message) => {
			if (isReady(message)) {
				clearTimeout(timer);
				resolve({ child, message });
			}
		});
		child.once('exit', (code, signal) => {
			clearTimeout(timer);
			reject(new Error(`${path.basename(script)} ${args[0] ?? ''} exited (${signal ?? `code ${code}`}) before it was ready`));
		});
	});
}

/** Asks a child for one reply matching `key`. */
function ask(child, request, key) {
	return new Promise((resolve) => {
		const onMessage = (message) => {
			if (message[key] === undefined) return;
			child.off('message', onMessage);
			resolve(message[key]);
		};
		child.on('message', onMessage);
		child.send(request);
	});
}

/** Starts a system's server in a process of its own. */
async function startServerProcess(systemId, options) {
	const { child } = await forkReady(path.join(__dirname, '..', 'core', 'systems', 'server.js'), [systemId, JSON.stringify(options)]);
	return {
		pid: child.pid,
		rss: () => ask(child, { rss: true }, 'rss'),
		async stop() {
			if (child.exitCode !== null) return;
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.send({ stop: true });
			const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
			await exited;
			clearTimeout(timer);
		},
	};
}

module.exports = { forkReady, ask, startServerProcess };
