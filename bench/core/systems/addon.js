// This package's addon: the Rust core on Redis Streams, driven the way the nodes drive it.
// The server side does what a Function trigger plus Return from Function do per call:
// respond with the value, then report the call finished (the trigger's done promise).
'use strict';
const path = require('node:path');

const { FunctionsClient } = require(path.join(__dirname, '..', '..', '..', 'index.js'));

const functionName = (i) => (i === 0 ? 'add' : `add-${i}`);

const definition = (i) => ({
	name: functionName(i),
	scope: '__global__',
	description: 'a + b',
	parameters: [
		{ name: 'a', type: 'number', required: true },
		{ name: 'b', type: 'number', required: true },
	],
	workflowId: 'benchWorkflow',
	workflowName: 'bench',
	nodeName: functionName(i),
});

/** Serves `functions` functions add, add-1, …: each answers {sum: a + b}. */
async function startServer({ redisUrl, prefix, functions = 1, finish = true }) {
	const client = new FunctionsClient({ url: redisUrl, keyPrefix: prefix });
	const served = [];
	for (let i = 0; i < functions; i++) served.push(await client.serve(definition(i)));
	const onError = (error) => console.error(`[addon server] ${error.message}`);
	const loops = served.map(async (fn) => {
		for (;;) {
			const calls = await fn.next();
			if (calls.length === 0) return;
			for (const call of calls) {
				const { a, b } = call.items[0];
				const answered = client.respond(call.context, { sum: a + b });
				(finish ? answered.then(() => fn.finished(call.context)) : answered).catch(onError);
			}
		}
	});
	return {
		async close() {
			await Promise.all(served.map((fn) => fn.close()));
			await Promise.all(loops);
		},
	};
}

async function startClient({ redisUrl, prefix }) {
	const client = new FunctionsClient({ url: redisUrl, keyPrefix: prefix });
	return {
		call: (args, fn = 0) => client.call({ scope: '__global__', name: functionName(fn), items: [args], timeoutMs: 30_000 }),
		// The addon keeps one engine (and its connections) per process for the process's life.
		close: async () => {},
	};
}

module.exports = {
	id: 'addon',
	label: 'addon (this package)',
	startServer,
	startClient,
	keyPatterns: (prefix) => [`${prefix}*`],
};
