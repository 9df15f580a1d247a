/**
 * Soak: 10,000 calls through two consumer processes; one is killed with SIGKILL every
 * 1,000 calls and restarted, and Redis itself crashes twice and comes back after 2 s (AOF
 * on). The outages are shorter than the calls' deadlines, so every caller must get its own
 * answer: none lost, none crossed, none failed.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';

import { addon } from '../support/addon';
import { PrivateRedis } from '../support/private-redis';

const CALLS = Number(process.env.SOAK_CALLS ?? 10000);
const KILL_EVERY = CALLS / 10;
const CONCURRENCY = 50;
const HEARTBEAT_MS = '200';
/** Redis crashes at these call counts and is down this long each time. */
const REDIS_CRASHES = [CALLS * 0.3, CALLS * 0.7];
const REDIS_DOWN_MS = 2000;

jest.setTimeout(300_000);

function startConsumer(url: string, keyPrefix: string): Promise<ChildProcess> {
	const child = spawn(process.execPath, [path.join(__dirname, '..', 'support', 'serve-add.js'), url, keyPrefix, '20'], {
		stdio: ['ignore', 'pipe', 'inherit'],
		env: { ...process.env, N8N_FUNCTIONS_HEARTBEAT_MS: HEARTBEAT_MS },
	});
	return new Promise((resolve, reject) => {
		child.stdout!.on('data', (data: Buffer) => {
			if (data.toString().includes('ready')) resolve(child);
		});
		child.once('exit', (code, signal) => reject(new Error(`a consumer exited before it was ready (${code ?? signal})`)));
	});
}

test('10,000 calls survive killed consumers and two Redis crashes: none lost, crossed or failed', async () => {
	const redis = await PrivateRedis.start();
	const keyPrefix = 'soak:';
	const consumers: ChildProcess[] = [];
	try {
		consumers.push(await startConsumer(redis.url, keyPrefix), await startConsumer(redis.url, keyPrefix));
		const client = new addon.FunctionsClient({ url: redis.url, keyPrefix });
		const counts = { answered: 0, crossed: 0, kills: 0, redisRestarts: 0 };
		const errors = new Map<string, number>();
		let started = 0;
		let settled = 0;
		let disruption: Promise<void> = Promise.resolve();

		const disrupt = (done: number) => {
			if (REDIS_CRASHES.includes(done)) {
				disruption = disruption.then(async () => {
					await redis.crashAndRestart(REDIS_DOWN_MS);
					counts.redisRestarts += 1;
				});
			}
			if (done % KILL_EVERY !== 0 || done === CALLS) return;
			const victim = (done / KILL_EVERY) % 2;
			disruption = disruption.then(async () => {
				consumers[victim].kill('SIGKILL');
				counts.kills += 1;
				consumers[victim] = await startConsumer(redis.url, keyPrefix);
			});
		};

		const worker = async () => {
			while (started < CALLS) {
				const a = started++;
				try {
					const value = (await client.call({ scope: '__global__', name: 'add', items: [{ a, b: 1 }], timeoutMs: 30000 })) as {
						sum: number;
					};
					if (value.sum === a + 1) counts.answered += 1;
					else counts.crossed += 1;
				} catch (error) {
					const code = /^([A-Z_]+):/.exec((error as Error).message)?.[1] ?? (error as Error).message;
					errors.set(code, (errors.get(code) ?? 0) + 1);
				}
				disrupt(++settled);
			}
		};
		const began = Date.now();
		await Promise.all(Array.from({ length: CONCURRENCY }, worker));
		await disruption;

		const told = [...errors.values()].reduce((sum, n) => sum + n, 0);
		console.log(
			`soak: ${CALLS} calls in ${((Date.now() - began) / 1000).toFixed(1)} s: ${counts.answered} answered, ` +
				`${told} told why (${JSON.stringify(Object.fromEntries(errors))}), ${counts.crossed} crossed, ` +
				`lost ${CALLS - counts.answered - told - counts.crossed}; ${counts.kills} consumers killed, ${counts.redisRestarts} Redis restarts of ${REDIS_DOWN_MS} ms`,
		);
		expect(counts.crossed).toBe(0);
		expect(counts.answered + told).toBe(CALLS);
		// Each outage is shorter than the calls' deadlines: sending, answering and reporting
		// wait for Redis to come back, so no call fails.
		expect(Object.fromEntries(errors)).toEqual({});
		expect(counts.kills).toBe(9);
		expect(counts.redisRestarts).toBe(2);
	} finally {
		for (const consumer of consumers) consumer.kill('SIGKILL');
		await redis.stop();
	}
});
