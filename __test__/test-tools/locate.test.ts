/**
 * The tools the tests run beyond the README's list (test-tools/): a tool the system lacks is
 * fetched from Debian's packages into an empty folder and runs; a system copy is used as it
 * is; an override names another; where nothing can be fetched the error says what to install.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

type Options = { env?: NodeJS.ProcessEnv; dir?: string; searchPath?: string; fetch?: 'missing' | 'always' };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { toolPath } = require('../../test-tools/locate') as { toolPath: (name: string, options?: Options) => string };

/** This process's environment without the variables that steer the tools (CI's fetch step sets some). */
function environment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('N8N_TEST_') && key !== 'N8N_E2E_CHROMIUM'));
	return { ...env, ...extra };
}

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

const folders: string[] = [];
function emptyFolder(): string {
	const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'fn-test-tools-'));
	folders.push(folder);
	return folder;
}

afterAll(() => {
	for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
});

describe('a tool the system lacks', () => {
	let dir: string;
	let redisServer: string;
	let redisCli: string;

	beforeAll(() => {
		dir = emptyFolder();
		// No folder to search: as on a machine without Redis's programs.
		redisServer = toolPath('redis-server', { env: environment(), dir, searchPath: '' });
		redisCli = toolPath('redis-cli', { env: environment(), dir, searchPath: '' });
	}, 300_000);

	test("is fetched from Debian's packages into the empty tools folder, and runs: the fetched redis-server answers the fetched redis-cli's PING", async () => {
		expect(redisServer).toBe(path.join(dir, 'bin', 'redis-server'));
		expect(redisCli).toBe(path.join(dir, 'bin', 'redis-cli'));
		expect(execFileSync(redisServer, ['--version'], { encoding: 'utf8' })).toMatch(/^Redis server v=7\./);

		const port = await freePort();
		const server = spawn(redisServer, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
		const exited = new Promise((resolve) => server.once('exit', resolve));
		try {
			let answer = '';
			for (let attempt = 0; attempt < 100 && answer !== 'PONG'; attempt++) {
				if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100));
				try {
					answer = execFileSync(redisCli, ['-p', String(port), 'ping'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
				} catch {
					// not listening yet
				}
			}
			expect(answer).toBe('PONG');
		} finally {
			server.kill('SIGKILL');
			await exited;
		}
	});

	test('asked for again, is the copy already fetched, without another fetch', () => {
		const log = path.join(dir, 'fetch.log');
		const logged = fs.readFileSync(log, 'utf8');
		expect(toolPath('redis-server', { env: environment(), dir, searchPath: '' })).toBe(redisServer);
		expect(fs.readFileSync(log, 'utf8')).toBe(logged);
	});

	test('with N8N_TEST_TOOLS_FETCH=always, is the fetched copy even where the system has one', () => {
		const system = emptyFolder();
		fs.symlinkSync(redisServer, path.join(system, 'redis-server'));
		expect(toolPath('redis-server', { env: environment({ N8N_TEST_TOOLS_FETCH: 'always' }), dir, searchPath: system })).toBe(redisServer);
	});

	test("a copy on the system's PATH is used as it is, and nothing is fetched", () => {
		const system = emptyFolder();
		fs.symlinkSync(redisServer, path.join(system, 'redis-server'));
		const untouched = emptyFolder();
		expect(toolPath('redis-server', { env: environment(), dir: untouched, searchPath: `/nonexistent${path.delimiter}${system}` })).toBe(path.join(system, 'redis-server'));
		expect(fs.readdirSync(untouched)).toEqual([]);
	});

	test('its override variable names the copy to use before any other; one that names no program is an error that says so', () => {
		const untouched = emptyFolder();
		expect(toolPath('redis-server', { env: environment({ N8N_TEST_REDIS_SERVER: redisServer }), dir: untouched, searchPath: '' })).toBe(redisServer);
		expect(() => toolPath('redis-server', { env: environment({ N8N_TEST_REDIS_SERVER: path.join(untouched, 'nothing') }), dir: untouched, searchPath: '' })).toThrow(
			`N8N_TEST_REDIS_SERVER is ${path.join(untouched, 'nothing')}, which is no executable file: point it at redis-server, or unset it`,
		);
		expect(fs.readdirSync(untouched)).toEqual([]);
	});
});

test("where no Debian mirror answers, a missing tool is an error that says what to install and which variable names a copy", () => {
	const env = environment({ N8N_TEST_TOOLS_DEBIAN_MIRROR: 'http://127.0.0.1:9/debian' }); // nothing listens on port 9
	let message = '';
	try {
		toolPath('openssl', { env, dir: emptyFolder(), searchPath: '' });
	} catch (error) {
		message = (error as Error).message;
	}
	expect(message).toMatch(/^openssl is needed here and is not on this machine \(no openssl on the PATH\); fetching it from Debian's packages failed: .*127\.0\.0\.1:9/);
	expect(message).toMatch(/Install OpenSSL \(Debian, Ubuntu: apt-get install -y openssl; macOS: brew install openssl\), or point N8N_TEST_OPENSSL at one\.$/);
}, 120_000);
