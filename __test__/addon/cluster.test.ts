/**
 * Redis Cluster as a user runs it: functions whose keys live on different primaries, and a
 * primary killed (SIGKILL) while calls flow, its replica taking over. The cluster is local
 * (scripts/redis-cluster.sh, six nodes on free loopback ports) and started here.
 */
import { randomUUID } from 'node:crypto';
import { addon, Client, consume, definition, errorOf, GLOBAL, Served } from '../support/addon';
import { LocalCluster, startCluster } from '../support/cluster';

let cluster: LocalCluster;
let client: Client;
let keyPrefix: string;
const served: Served[] = [];

/** Three function names whose keys live on three different primaries. */
async function namesOnEveryPrimary(): Promise<Map<number, string>> {
	const byPrimary = new Map<number, string>();
	for (let i = 0; byPrimary.size < 3; i++) {
		const name = `f${i}`;
		const primary = await cluster.primaryOf(`${keyPrefix}fn:{${GLOBAL}/${name}}:calls`);
		if (!byPrimary.has(primary)) byPrimary.set(primary, name);
	}
	return byPrimary;
}

async function serveIncrement(name: string): Promise<void> {
	const function_ = await client.serve(definition(name));
	served.push(function_);
	// A return that fails (Redis out for longer than the call has) leaves its caller to time out, saying so.
	void consume(function_, (call) => void client.respond(call.context, (call.items[0] as { a: number }).a + 1).catch(() => false));
}

beforeAll(async () => {
	cluster = await startCluster();
});

afterAll(async () => {
	await cluster.stop();
});

beforeEach(() => {
	keyPrefix = `test:${randomUUID().slice(0, 8)}:`;
	client = new addon.FunctionsClient({ url: cluster.url, keyPrefix });
});

afterEach(async () => {
	await Promise.all(served.splice(0).map((s) => s.close()));
});

test('functions on different primaries are served, listed and described', async () => {
	const names = [...(await namesOnEveryPrimary()).values()];
	for (const name of names) await serveIncrement(name);
	for (const [i, name] of names.entries()) {
		expect(await client.call({ scope: GLOBAL, name, items: [{ a: i }] })).toBe(i + 1);
	}
	expect((await client.list(GLOBAL)).map((f) => [f.name, f.live])).toEqual(names.sort().map((name) => [name, true]));
	expect((await client.describe(GLOBAL, names[0]))?.name).toBe(names[0]);
	expect(client.backend).toBe('redis');
	expect(client.address).toContain('Redis Cluster');
});

test('status and the event feed cover the functions on every primary', async () => {
	// The feed's stream on another node than the first of the settings: its watcher must
	// follow the MOVED answer there.
	while ((await cluster.primaryOf(`${keyPrefix}events`)) === cluster.ports[0]) {
		keyPrefix = `test:${randomUUID().slice(0, 8)}:`;
		client = new addon.FunctionsClient({ url: cluster.url, keyPrefix });
	}
	const names = [...(await namesOnEveryPrimary()).values()].sort();
	for (const name of names) await serveIncrement(name);
	const watcher = await client.watch();
	try {
		for (const [i, name] of names.entries()) expect(await client.call({ scope: GLOBAL, name, items: [{ a: i }] })).toBe(i + 1);
		const status = await client.status();
		expect(status.map((f) => [f.name, f.live, f.consumers.length, f.problems])).toEqual(names.map((name) => [name, true, 1, []]));
		const returned = new Set<string>();
		while (returned.size < names.length) {
			const { events } = await watcher.next();
			for (const event of events) if (event.kind === 'returned') returned.add(event.function);
		}
		expect([...returned].sort()).toEqual(names.map((name) => `${GLOBAL}/${name}`));
	} finally {
		watcher.close();
	}
});

test("a Functions Redis credential whose Host lists the cluster's nodes reaches the cluster", async () => {
	await serveIncrement('viaUrl');
	const host = cluster.ports.map((port) => `127.0.0.1:${port}`).join(',');
	const viaCredential = new addon.FunctionsClient({ credential: { host }, keyPrefix });
	expect(viaCredential.address).toContain('Redis Cluster');
	expect(await viaCredential.call({ scope: GLOBAL, name: 'viaUrl', items: [{ a: 41 }] })).toBe(42);
});

test('a deactivated function on its own primary tells a waiting call at once (its script reaches the call\'s keys in that slot)', async () => {
	const [name] = (await namesOnEveryPrimary()).values();
	const function_ = await client.serve(definition(name));
	const handed: unknown[] = [];
	void consume(function_, (call) => void handed.push(call)); // its execution never starts
	const waiting = errorOf(client.call({ scope: GLOBAL, name, items: [{ a: 1 }], timeoutMs: 20000 }));
	while (handed.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
	await function_.close(true);
	const told = await waiting;
	expect(told.code).toBe('FUNCTION_INACTIVE');
	expect(told.message).toContain('was deactivated. Activate it and call again.');
});

test('a primary killed while calls flow: its replica takes over, every call is answered or told why, none is lost', async () => {
	const byPrimary = await namesOnEveryPrimary();
	for (const name of byPrimary.values()) await serveIncrement(name);
	// The caller listens for its answers on every node: kill a primary that carries one of
	// those subscriptions as well as a function's slot, so the failover takes both away.
	await client.call({ scope: GLOBAL, name: [...byPrimary.values()][0], items: [{ a: 0 }] });
	const [listening] = await cluster.subscribedAt(`${keyPrefix}inbox:*`);
	expect(byPrimary.has(listening)).toBe(true);

	const counts = { sent: 0, answered: 0, errored: 0, lost: 0 };
	const errors = new Set<string>();
	let flowing = true;
	const afterFailover = new Map<string, number>();
	let failoverDone = false;
	const caller = async (name: string) => {
		for (let a = 0; flowing; a++) {
			counts.sent += 1;
			const sentAfterFailover = failoverDone;
			try {
				const value = await client.call({ scope: GLOBAL, name, items: [{ a }], timeoutMs: 20000 });
				if (value === a + 1) counts.answered += 1;
				else counts.lost += 1;
				if (sentAfterFailover && value === a + 1) afterFailover.set(name, (afterFailover.get(name) ?? 0) + 1);
			} catch (error) {
				counts.errored += 1;
				errors.add((error as Error).message);
			}
		}
	};
	const callers = [...byPrimary.values()].flatMap((name) => [caller(name), caller(name)]);
	await new Promise((resolve) => setTimeout(resolve, 500));
	cluster.kill(listening);
	await cluster.failedOver(listening);
	failoverDone = true;
	// Calls sent after the failover reach every function, the moved one included.
	const reachedAll = () => [...byPrimary.values()].every((name) => (afterFailover.get(name) ?? 0) >= 10);
	while (!reachedAll()) await new Promise((resolve) => setTimeout(resolve, 100));
	flowing = false;
	await Promise.all(callers);
	console.log(`failover: sent ${counts.sent}, answered ${counts.answered}, errored ${counts.errored}, lost ${counts.lost}${errors.size ? `; errors: ${[...errors].join(' | ')}` : ''}`);
	expect(counts.lost).toBe(0);
	expect(counts.answered + counts.errored).toBe(counts.sent);
	for (const message of errors) expect(message).toMatch(/Redis|timed out|deadline/i);
	expect(await cluster.primaryOf(`${keyPrefix}fn:{${GLOBAL}/${byPrimary.get(listening)}}:calls`)).not.toBe(listening);
}, 90000);
