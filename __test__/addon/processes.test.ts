/**
 * What queue mode needs: the function served in one process, called from another, over
 * the real Redis; and a clear error when Redis cannot be reached.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';

import { addon, errorOf, GLOBAL, REDIS_URL } from '../support/addon';

function startServer(keyPrefix: string): Promise<ChildProcess> {
	const child = spawn(process.execPath, [path.join(__dirname, '..', 'support', 'serve-add.js'), REDIS_URL, keyPrefix], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	return new Promise((resolve, reject) => {
		child.stdout!.on('data', (data: Buffer) => {
			if (data.toString().includes('ready')) resolve(child);
		});
		child.on('exit', (code) => reject(new Error(`the serving process exited with ${code}`)));
	});
}

function stopped(child: ChildProcess): Promise<number | null> {
	return new Promise((resolve) => {
		if (child.exitCode !== null) resolve(child.exitCode);
		else child.on('exit', (code) => resolve(code));
	});
}

test('a function served by another process answers calls made here, and that process exits cleanly on close', async () => {
	const keyPrefix = `test:${randomUUID().slice(0, 8)}:`;
	const child = await startServer(keyPrefix);
	try {
		const client = new addon.FunctionsClient({ url: REDIS_URL, keyPrefix });
		const results = await Promise.all(
			Array.from({ length: 50 }, (_, i) => client.call({ scope: GLOBAL, name: 'add', items: [{ a: i, b: 1 }] })),
		);
		results.forEach((result, i) => expect(result).toEqual({ sum: i + 1, pid: child.pid }));
	} finally {
		child.kill('SIGTERM');
	}
	// close() stops the consumer and releases its connections: nothing keeps the process alive.
	expect(await stopped(child)).toBe(0);
});

test('an unreachable Redis is named in the error, without its password', async () => {
	const client = new addon.FunctionsClient({ url: 'redis://:secret@127.0.0.1:1/0', keyPrefix: 'unreachable:' });
	const failure = await errorOf(client.call({ scope: GLOBAL, name: 'add', items: [{}] }));
	expect(failure.code).toBe('REDIS_UNAVAILABLE');
	expect(failure.message).toContain('Cannot reach Redis at redis://:***@127.0.0.1:1/0 (from the url option)');
	expect(failure.message).not.toContain('secret');
});

test('settings that are not a Redis address are refused when the client is made', () => {
	expect(() => new addon.FunctionsClient({ url: 'http://example' })).toThrow(
		expect.objectContaining({
			code: 'INVALID_OPTIONS',
			message:
				'the url option is not a Redis URL: write it as redis://[user:password@]host:port/db (rediss:// for TLS), or as a comma-separated list of such URLs for the nodes of a Redis Cluster.',
		}),
	);
});

test('a process waiting only for a call stays alive until the call settles, then exits by itself', async () => {
	const keyPrefix = `test:${randomUUID().slice(0, 8)}:`;
	const index = path.join(__dirname, '..', '..', 'index.js');
	// Served but never taken: the call settles with its timeout after 1 s. Nothing else
	// (no timer, no socket of Node's) keeps this process's event loop alive meanwhile.
	const script = `
		const { FunctionsClient } = require(${JSON.stringify(index)});
		const client = new FunctionsClient({ url: ${JSON.stringify(REDIS_URL)}, keyPrefix: ${JSON.stringify(keyPrefix)} });
		const definition = { name: 'idle', scope: '__global__', parameters: [], workflowId: 'wfIdle' };
		client
			.serve(definition)
			.then(() => client.call({ scope: '__global__', name: 'idle', items: [{}], timeoutMs: 1000 }))
			.then((value) => console.log('answered', value), (error) => console.log('settled', error.code));
	`;
	const started = Date.now();
	const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
	let output = '';
	child.stdout!.on('data', (data: Buffer) => (output += data.toString()));
	const exitCode = await stopped(child);
	expect(output.trim()).toBe('settled CALL_TIMEOUT');
	expect(exitCode).toBe(0);
	expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
});
