// BullMQ as a Node user would use it for request/reply today: `queue.add` +
// `job.waitUntilFinished(queueEvents)`, a `Worker` returning the value. Its default Redis
// driver (ioredis). Completed jobs are kept for 5 minutes: kept by count (say the last 1000),
// a caller with more calls in flight than that can find its job already removed
// ("Missing key for job … isFinished").
'use strict';
const { Queue, QueueEvents, Worker } = require('bullmq');

const functionName = (i) => (i === 0 ? 'add' : `add-${i}`);

function connectionOf(url) {
	const parsed = new URL(url);
	return {
		host: parsed.hostname || '127.0.0.1',
		port: Number(parsed.port || 6379),
		username: decodeURIComponent(parsed.username) || undefined,
		password: decodeURIComponent(parsed.password) || undefined,
		db: Number(parsed.pathname.slice(1) || 0),
	};
}

// BullMQ keys are `<prefix>:<queue>:…`.
const bullPrefix = (prefix) => `${prefix}bull`;

/** One Worker per function; `concurrency` jobs at once each (default 256, the most this bench puts in flight). */
async function startServer({ redisUrl, prefix, functions = 1, concurrency = 256 }) {
	const workers = [];
	for (let i = 0; i < functions; i++) {
		const worker = new Worker(functionName(i), async (job) => ({ sum: job.data.a + job.data.b }), {
			connection: connectionOf(redisUrl),
			prefix: bullPrefix(prefix),
			concurrency,
		});
		worker.on('error', (error) => console.error(`[bullmq worker] ${error.message}`));
		await worker.waitUntilReady();
		workers.push(worker);
	}
	return { close: () => Promise.all(workers.map((w) => w.close())) };
}

async function startClient({ redisUrl, prefix }) {
	const queues = new Map();
	const open = async (name) => {
		const options = { connection: connectionOf(redisUrl), prefix: bullPrefix(prefix) };
		const queue = new Queue(name, { ...options, defaultJobOptions: { removeOnComplete: { age: 300 }, removeOnFail: { age: 300 } } });
		// From the start of the (fresh) events stream: a QueueEvents reads from "$" once its
		// first read reaches Redis, and a job finished before that would never be heard of.
		const events = new QueueEvents(name, { ...options, lastEventId: '0-0' });
		// Every waiting call listens on both: more than 10 in flight is the point here.
		queue.setMaxListeners(0);
		events.setMaxListeners(0);
		await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
		return { queue, events };
	};
	const get = (name) => {
		if (!queues.has(name)) queues.set(name, open(name));
		return queues.get(name);
	};
	await get(functionName(0));
	return {
		async call(args, fn = 0) {
			const { queue, events } = await get(functionName(fn));
			const job = await queue.add('call', args);
			return job.waitUntilFinished(events, 30_000);
		},
		async close() {
			for (const opened of queues.values()) {
				const { queue, events } = await opened;
				await queue.obliterate({ force: true }).catch(() => {});
				await events.close();
				await queue.close();
			}
		},
	};
}

module.exports = {
	id: 'bullmq',
	label: 'BullMQ (queue.add + waitUntilFinished)',
	startServer,
	startClient,
	keyPatterns: (prefix) => [`${bullPrefix(prefix)}*`],
};
