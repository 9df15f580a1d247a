/** The raw addon and what addon tests share: a unique key prefix per test, the Redis address. */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const addon: typeof import('../../index') = require(path.join(__dirname, '..', '..', 'index.js'));

export type Client = InstanceType<typeof addon.FunctionsClient>;
export type Served = Awaited<ReturnType<Client['serve']>>;
export type Incoming = Awaited<ReturnType<Served['next']>>[number];

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A fresh client of the given backend whose keys no other test sees; `url` overrides REDIS_URL (a cluster's node list). */
export function freshClient(backend: 'memory' | 'redis', url = REDIS_URL): Client {
	const keyPrefix = `test:${randomUUID().slice(0, 8)}:`;
	return new addon.FunctionsClient(backend === 'redis' ? { url, keyPrefix } : { keyPrefix });
}

export const GLOBAL = '__global__';

export function definition(name: string, overrides: Partial<Parameters<Client['serve']>[0]> = {}) {
	return {
		name,
		scope: GLOBAL,
		parameters: [
			{ name: 'a', type: 'number', required: true },
			{ name: 'b', type: 'number', required: false, default: 10 },
		],
		workflowId: 'wfMath',
		workflowName: 'Math',
		nodeName: name,
		...overrides,
	};
}

/**
 * Runs a served function's call loop the way the Function trigger does: every call is
 * handed to `handle`, which answers it (or not). Resolves when the function is closed.
 */
export function consume(served: Served, handle: (call: Incoming) => unknown): Promise<void> {
	return (async () => {
		for (;;) {
			const calls = await served.next();
			if (calls.length === 0) return;
			for (const call of calls) void handle(call);
		}
	})();
}

/** The error code the addon put in front of its message. */
export async function errorOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
	try {
		await promise;
	} catch (error) {
		const { code, message } = error as { code?: unknown; message: string };
		return { code: typeof code === 'string' ? code : '', message };
	}
	throw new Error('expected the promise to reject, but it resolved');
}
