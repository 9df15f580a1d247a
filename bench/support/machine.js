// The machine a run measured, printed at its top and recorded with its numbers.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { RespConnection, info } = require('./resp');

async function describeMachine(redisUrl) {
	const cpuinfo = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
	const model = /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
	let redis = 'unreachable';
	try {
		const connection = await RespConnection.connect(redisUrl);
		const server = await info(connection, 'server');
		connection.close();
		redis = `${server.redis_version} at ${new URL(redisUrl).host}`;
	} catch (error) {
		redis = `unreachable (${error.message})`;
	}
	let commit = 'unknown';
	try {
		const git = (...args) => execFileSync('git', args, { cwd: path.join(__dirname, '..', '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
		commit = git('rev-parse', '--short', 'HEAD');
		const addon = fs.statSync(path.join(__dirname, '..', '..', 'index.js')).mtime.toISOString();
		commit += ` (addon loader built ${addon})`;
	} catch {
		// not a git checkout
	}
	return {
		commit,
		date: new Date().toISOString(),
		cpus: os.availableParallelism?.() ?? os.cpus().length,
		cpuModel: model,
		memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
		loadAverage: os.loadavg().map((x) => Number(x.toFixed(2))),
		node: process.version,
		redis,
	};
}

function machineLine(m) {
	return `${m.date} · commit ${m.commit} · ${m.cpus} × ${m.cpuModel} · ${m.memoryGiB} GiB · load ${m.loadAverage.join(' ')} · Node ${m.node} · Redis ${m.redis}`;
}

module.exports = { describeMachine, machineLine };
