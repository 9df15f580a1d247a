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

/** Calls `fn(keys)` for every batch of keys starting with `prefix`, through n8n's own ioredis. */
async function scanKeys(n8nDir, prefix, fn) {
	const Redis = createRequire(path.join(n8nDir, 'package.json'))('ioredis');
	const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3000 });
	try {
		await client.connect();
		let cursor = '0';
		do {
			const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
			if (keys.length) await fn(keys, client);
			cursor = next;
		} while (cursor !== '0');
	} finally {
		client.disconnect();
	}
}

async function listKeys(n8nDir, prefix) {
	const found = [];
	await scanKeys(n8nDir, prefix, (keys) => found.push(...keys));
	return found.sort();
}

function deleteKeys(n8nDir, prefix) {
	return scanKeys(n8nDir, prefix, (keys, client) => client.del(...keys));
}

module.exports = { redisUrl, redisSettings, queueRedisEnv, listKeys, deleteKeys };
