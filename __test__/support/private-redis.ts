/**
 * A redis-server of a test's own, on a free port, that the test may kill and restart
 * (the shared Redis at REDIS_URL is never restarted). AOF on, fsync always: what a
 * production Redis that must not lose accepted calls runs with. The program is the system's
 * redis-server, or the one test-tools/ fetched.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { toolPath } = require('../../test-tools/locate') as { toolPath: (name: string) => string };

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

function answersPing(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		socket.setTimeout(500);
		socket.once('connect', () => socket.write('PING\r\n'));
		socket.once('data', (data) => {
			socket.destroy();
			resolve(data.toString().startsWith('+PONG'));
		});
		socket.once('error', () => resolve(false));
		socket.once('timeout', () => {
			socket.destroy();
			resolve(false);
		});
	});
}

export class PrivateRedis {
	private process: ChildProcess | undefined;

	private constructor(
		readonly port: number,
		private readonly dir: string,
		private readonly program: string,
	) {}

	static async start(): Promise<PrivateRedis> {
		const redis = new PrivateRedis(await freePort(), fs.mkdtempSync(path.join(os.tmpdir(), 'fn-redis-')), toolPath('redis-server'));
		await redis.run();
		return redis;
	}

	get url(): string {
		return `redis://127.0.0.1:${this.port}`;
	}

	private async run(): Promise<void> {
		const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', ''];
		args.push('--appendonly', 'yes', '--appendfsync', 'always');
		this.process = spawn(this.program, args, { stdio: 'ignore' });
		const started = Date.now();
		while (!(await answersPing(this.port))) {
			if (this.process.exitCode !== null) throw new Error(`redis-server on port ${this.port} exited with ${this.process.exitCode}`);
			if (Date.now() - started > 10000) throw new Error(`redis-server on port ${this.port} did not answer PING within 10 s`);
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
	}

	/** Kills the server at once (no shutdown save) and starts it again from its AOF. */
	/** SIGKILL, then the same server again after `downMs` (its data back from AOF, if on). */
	async crashAndRestart(downMs = 0): Promise<void> {
		await this.kill();
		if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
		await this.run();
	}

	private async kill(): Promise<void> {
		const child = this.process;
		if (!child || child.exitCode !== null || child.signalCode !== null) return;
		const exited = new Promise((resolve) => child.once('exit', resolve));
		child.kill('SIGKILL');
		await exited;
	}

	async stop(): Promise<void> {
		await this.kill();
		fs.rmSync(this.dir, { recursive: true, force: true });
	}
}
