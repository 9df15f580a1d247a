// Deletes what a benchmark run left in Redis: every key matching its own patterns.
'use strict';
const { RespConnection } = require('./resp');
const { redisUrl } = require('./options');

/** Deletes every key matching each glob pattern; returns how many were deleted. */
async function deleteKeys(patterns, url = redisUrl) {
	const connection = await RespConnection.connect(url);
	let deleted = 0;
	try {
		for (const pattern of patterns) {
			let cursor = '0';
			do {
				const [next, keys] = await connection.command('SCAN', cursor, 'MATCH', pattern, 'COUNT', 1000);
				if (keys.length) deleted += await connection.command('UNLINK', ...keys);
				cursor = next;
			} while (cursor !== '0');
		}
	} finally {
		connection.close();
	}
	return deleted;
}

module.exports = { deleteKeys };
