// A local six-node Redis Cluster (scripts/redis-cluster.sh) on free loopback ports, for the
// tests, the e2e run and the benchmarks: start it, read its layout, kill a node, stop it.
// redis-server and redis-cli are the system's, or the ones test-tools/ fetched.
'use strict';
const { execFile, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { promisify } = require('node:util');
const { toolPath } = require('../test-tools/locate');

const run = promisify(execFile);
const SCRIPT = path.join(__dirname, 'redis-cluster.sh');

function isFree(port) {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/** A first port whose six ports and their bus ports (+10000) are free, away from 6379. */
async function freeFirstPort() {
	for (let attempt = 0; attempt < 50; attempt++) {
		const first = 20000 + Math.floor(Math.random() * 900) * 10;
		const ports = [0, 1, 2, 3, 4, 5].flatMap((i) => [first + i, first + i + 10000]);
		if ((await Promise.all(ports.map(isFree))).every(Boolean)) return first;
	}
	throw new Error('No six free loopback ports (and bus ports) found between 20000 and 30000');
}

class LocalCluster {
	constructor(first, dir) {
		this.first = first;
		this.dir = dir;
		this.ports = [0, 1, 2, 3, 4, 5].map((i) => first + i);
		this.redisCli = toolPath('redis-cli');
		// The script finds the same programs through these (test-tools/which.js).
		this.env = { ...process.env, N8N_TEST_REDIS_SERVER: toolPath('redis-server'), N8N_TEST_REDIS_CLI: this.redisCli };
	}

	static async start() {
		const first = await freeFirstPort();
		const cluster = new LocalCluster(first, fs.mkdtempSync(path.join(os.tmpdir(), 'fn-cluster-')));
		await run(SCRIPT, ['start', String(first), cluster.dir], { env: cluster.env });
		return cluster;
	}

	/** redis-cli against the node on `port`; its output. */
	async cli(port, ...args) {
		const { stdout } = await run(this.redisCli, ['-p', String(port), ...args]);
		return stdout;
	}

	/** The node URLs, comma-separated: what the url option and N8N_FUNCTIONS_REDIS_URL take. */
	get url() {
		return this.ports.map((port) => `redis://127.0.0.1:${port}`).join(',');
	}

	/** What n8n's QUEUE_BULL_REDIS_CLUSTER_NODES takes. */
	get nodes() {
		return this.ports.map((port) => `127.0.0.1:${port}`).join(',');
	}

	/** The port of the live primary that serves `key`'s slot. */
	async primaryOf(key) {
		const live = await this.livePorts();
		const slot = Number((await this.cli(live[0], 'cluster', 'keyslot', key)).trim());
		for (const port of live) {
			const line = (await this.cli(port, 'cluster', 'nodes').catch(() => ''))
				.split('\n')
				.find((l) => l.includes('myself') && l.includes('master') && !l.includes('fail'));
			if (line?.split(' ').slice(8).some((range) => inRange(slot, range))) return port;
		}
		throw new Error(`No live primary serves slot ${slot}`);
	}

	async livePorts() {
		const alive = await Promise.all(this.ports.map((port) => this.cli(port, 'ping').then(() => true, () => false)));
		return this.ports.filter((_, i) => alive[i]);
	}

	/** The ports where some client subscribes to channels matching `pattern`. */
	async subscribedAt(pattern) {
		const ports = [];
		for (const port of await this.livePorts()) {
			if ((await this.cli(port, 'pubsub', 'channels', pattern)).trim() !== '') ports.push(port);
		}
		return ports;
	}

	/** The keys matching `pattern` on every live primary. */
	async keys(pattern) {
		const keys = [];
		for (const port of await this.livePorts()) {
			if (!(await this.cli(port, 'role')).startsWith('master')) continue;
			keys.push(...(await this.cli(port, '--scan', '--pattern', pattern)).split('\n').filter(Boolean));
		}
		return keys;
	}

	/** SIGKILL: the node dies at once, as in a crash. */
	kill(port) {
		process.kill(Number(fs.readFileSync(path.join(this.dir, String(port), 'redis.pid'), 'utf8')), 'SIGKILL');
	}

	/** Resolves once a replica has taken over the slots of the killed node at `port` and every live node reports cluster_state:ok. */
	async failedOver(port) {
		const settledAt = async (live) => {
			const [info, nodes] = await Promise.all([this.cli(live, 'cluster', 'info'), this.cli(live, 'cluster', 'nodes')]).catch(() => ['', '']);
			const killed = nodes.split('\n').find((line) => line.includes(`127.0.0.1:${port}@`));
			return info.includes('cluster_state:ok') && killed !== undefined && killed.trim().split(' ').length <= 8;
		};
		for (let attempt = 0; attempt < 300; attempt++) {
			if ((await Promise.all((await this.livePorts()).map(settledAt))).every(Boolean)) return;
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		throw new Error(`No replica took over the slots of the node on port ${port} within 30 s`);
	}

	async stop() {
		await run(SCRIPT, ['stop', String(this.first), this.dir]);
	}

	/** The same, synchronously: for cleanups that run on a signal or at exit. */
	stopSync() {
		execFileSync(SCRIPT, ['stop', String(this.first), this.dir]);
	}
}

function inRange(slot, range) {
	const [from, to = from] = range.split('-').map(Number);
	return slot >= from && slot <= to;
}

module.exports = { LocalCluster };
