// A benchmark's server process: serves one system's functions until the parent says stop
// (or goes away). Messages: parent → {stop: true} | {rss: true}; child → {ready, pid} | {rss} | {stopped}.
// Usage (by bench/support/child.js): fork(server.js, [systemId, JSON options])
'use strict';
const { loadSystem } = require('./index');

async function main() {
	const [id, optionsJson] = process.argv.slice(2);
	const system = loadSystem(id);
	const server = await system.startServer(JSON.parse(optionsJson));
	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		await server.close().catch((error) => console.error(`[${id} server] close: ${error.message}`));
		if (process.connected) process.send({ stopped: true });
		process.exit(0);
	};
	process.on('message', (message) => {
		if (message.stop) void stop();
		if (message.rss) process.send({ rss: process.memoryUsage().rss });
	});
	process.on('disconnect', () => void stop());
	process.send({ ready: true, pid: process.pid });
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
