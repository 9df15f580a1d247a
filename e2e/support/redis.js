// The Redis the tests use: REDIS_URL (default redis://127.0.0.1:6379), split into n8n's settings.
'use strict';
const { createRequire } = require('node:module');
const path = require('node:path');

const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

function redisSettings(url = redisUrl) {
	const parsed = new URL(url);
	return {
		url,
		host: parsed.hostname || '127.0.0.1',
		port: Number(parsed.port || 6379),
		username: decodeURIComponent(parsed.username),
		password: decodeURIComponent(parsed.password),
		db: Number(parsed.pathname.slice(1) || 0),
		tls: parsed.protocol === 'rediss:',
	};
}

/** The QUEUE_BULL_REDIS_* variables n8n (and so the addon in queue mode) reads. */
function queueRedisEnv(settings = redisSettings()) {
	const env = {
		QUEUE_BULL_REDIS_HOST: settings.host,
		QUEUE_BULL_REDIS_PORT: String(settings.port),
		QUEUE_BULL_REDIS_DB: String(settings.db),
	};
	if (settings.username) env.QUEUE_BULL_REDIS_USERNAME = settings.username;
	if (settings.password) env.QUEUE_BULL_REDIS_PASSWORD = settings.password;
	if (settings.tls) env.QUEUE_BULL_REDIS_TLS = 'true';
	return env;
}

/** Runs `fn(client)` with a fresh connection through n8n's own ioredis, closed afterwards. */
async function withRedis(n8nDir, fn) {
	const Redis = createRequire(path.join(n8nDir, 'package.json'))('ioredis');
	const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3000 });
	try {
		await client.connect();
		return await fn(client);
	} finally {
		client.disconnect();
	}
}

/** Calls `fn(keys, client)` for every batch of keys starting with `prefix`. */
function scanKeys(n8nDir, prefix, fn) {
	return withRedis(n8nDir, async (client) => {
		let cursor = '0';
		do {
			const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
			if (keys.length) await fn(keys, client);
			cursor = next;
		} while (cursor !== '0');
	});
}

async function listKeys(n8nDir, prefix) {
	const found = [];
	await scanKeys(n8nDir, prefix, (keys) => found.push(...keys));
	return found.sort();
}

function deleteKeys(n8nDir, prefix) {
	return scanKeys(n8nDir, prefix, (keys, client) => client.del(...keys));
}

/** GET of a string key (null when it does not exist). */
function readKey(n8nDir, key) {
	return withRedis(n8nDir, (client) => client.get(key));
}

/** XLEN of a stream (0 when it does not exist). */
function streamLength(n8nDir, key) {
	return withRedis(n8nDir, (client) => client.xlen(key));
}

module.exports = { redisUrl, redisSettings, queueRedisEnv, listKeys, deleteKeys, readKey, streamLength };
