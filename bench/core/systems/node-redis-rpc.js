// The same protocol as this package's, written in plain JavaScript on node-redis (the
// `redis` npm package), as a straightforward implementation would do it:
//   call:    XADD {p}fn:{name}:calls * call <json {id, replyTo, deadline, args}>
//   serve:   XREADGROUP GROUP functions <consumer> COUNT 64 BLOCK 30000 on a connection of its own
//            per function; answers on one connection per process
//   respond: one Lua script: SET reply NX PX ttl (first answer wins) + XACK + XDEL +
//            PUBLISH "<callId> <reply json>" to the caller's inbox channel
//   caller:  one subscriber connection per process, any number of calls in flight; a timer per call.
// Left out, compared with the addon: argument validation, definitions and their versions,
// liveness checks before sending, heartbeats and reclaiming, dead letters.
'use strict';
const crypto = require('node:crypto');
const { createClient } = require('redis');

const GROUP = 'functions';
const REPLY_TTL_MS = 600_000;
const ANSWER = `
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
redis.call('XACK', KEYS[2], ARGV[3], ARGV[4])
redis.call('XDEL', KEYS[2], ARGV[4])
redis.call('PUBLISH', ARGV[5], ARGV[6] .. ' ' .. ARGV[1])
return 1`;

const functionName = (i) => (i === 0 ? 'add' : `add-${i}`);
const callsKey = (prefix, name) => `${prefix}fn:{${name}}:calls`;
const replyKey = (prefix, name, id) => `${prefix}fn:{${name}}:reply:${id}`;

async function connect(url) {
	const client = createClient({ url });
	client.on('error', (error) => console.error(`[node-redis] ${error.message}`));
	await client.connect();
	return client;
}

/** Serves one function with `handler(args) → value` until `close()`; `commands` is the process's shared connection. */
async function serve(commands, prefix, name, handler) {
	const reader = commands.duplicate();
	reader.on('error', () => {}); // destroyed on close while blocked
	await reader.connect();
	const stream = callsKey(prefix, name);
	try {
		await commands.xGroupCreate(stream, GROUP, '0', { MKSTREAM: true });
	} catch (error) {
		if (!/BUSYGROUP/.test(error.message)) throw error;
	}
	const sha = await commands.scriptLoad(ANSWER);
	const consumer = `${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
	const answer = (call, entryId, reply) =>
		commands.evalSha(sha, {
			keys: [replyKey(prefix, name, call.id), stream],
			arguments: [JSON.stringify(reply), String(REPLY_TTL_MS), GROUP, entryId, call.replyTo, call.id],
		});
	let running = true;
	const loop = (async () => {
		while (running) {
			let read;
			try {
				read = await reader.xReadGroup(GROUP, consumer, { key: stream, id: '>' }, { COUNT: 64, BLOCK: 30_000 });
			} catch (error) {
				if (!running) return;
				throw error;
			}
			for (const { id: entryId, message } of read?.[0]?.messages ?? []) {
				const call = JSON.parse(message.call);
				const reply =
					call.deadline <= Date.now()
						? Promise.resolve({ error: 'timed out before it ran' })
						: Promise.resolve()
								.then(() => handler(call.args))
								.then(
									(value) => ({ value }),
									(error) => ({ error: String(error?.message ?? error) }),
								);
				reply.then((r) => answer(call, entryId, r)).catch((error) => console.error(`[node-redis server] ${error.message}`));
			}
		}
	})();
	return {
		async close() {
			running = false;
			reader.destroy();
			await loop.catch(() => {});
		},
	};
}

/** One caller per process: a command connection and a subscriber on its inbox channel. */
async function caller(url, prefix) {
	const commands = await connect(url);
	const subscriber = commands.duplicate();
	await subscriber.connect();
	const channel = `${prefix}inbox:${crypto.randomUUID()}`;
	const waiting = new Map();
	await subscriber.subscribe(channel, (message) => {
		const space = message.indexOf(' ');
		const id = message.slice(0, space);
		const waiter = waiting.get(id);
		if (!waiter) return;
		waiting.delete(id);
		clearTimeout(waiter.timer);
		const reply = JSON.parse(message.slice(space + 1));
		if (reply.error !== undefined) waiter.reject(new Error(reply.error));
		else waiter.resolve(reply.value);
	});
	return {
		call(name, args, timeoutMs = 30_000) {
			const id = crypto.randomUUID();
			const deadline = Date.now() + timeoutMs;
			return new Promise((resolve, reject) => {
				const timer = setTimeout(() => {
					waiting.delete(id);
					reject(new Error(`${name} did not answer within ${timeoutMs} ms`));
				}, timeoutMs);
				waiting.set(id, { resolve, reject, timer });
				commands.xAdd(callsKey(prefix, name), '*', { call: JSON.stringify({ id, replyTo: channel, deadline, args }) }).catch((error) => {
					waiting.delete(id);
					clearTimeout(timer);
					reject(error);
				});
			});
		},
		async close() {
			await subscriber.close();
			await commands.close();
		},
	};
}

module.exports = {
	id: 'node-redis',
	label: 'same protocol, plain JS on node-redis',
	async startServer({ redisUrl, prefix, functions = 1 }) {
		const commands = await connect(redisUrl);
		const served = [];
		for (let i = 0; i < functions; i++) served.push(await serve(commands, prefix, functionName(i), ({ a, b }) => ({ sum: a + b })));
		return {
			async close() {
				await Promise.all(served.map((s) => s.close()));
				await commands.close();
			},
		};
	},
	async startClient({ redisUrl, prefix }) {
		const rpc = await caller(redisUrl, prefix);
		return { call: (args, fn = 0) => rpc.call(functionName(fn), args), close: () => rpc.close() };
	},
	keyPatterns: (prefix) => [`${prefix}*`],
};
