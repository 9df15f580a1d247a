// A real function call, the way queue mode makes one: a "Function trigger" process serves
// the global function `greet`, and this process calls it over Redis Streams and prints the
// answer. Without a reachable Redis it says so and shows the same call in memory (regular mode).
//
//   npm run demo                              # Redis at REDIS_URL or redis://127.0.0.1:6379
const { fork } = require('node:child_process');
const path = require('node:path');
const { FunctionsClient } = require('..');

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
// Its own key prefix keeps the demo apart from real functions; re-runs reuse the same keys.
const keyPrefix = 'n8n-functions-demo:';

const greet = {
	name: 'greet',
	scope: '__global__',
	description: 'Greets someone by name',
	parameters: [
		{ name: 'name', type: 'string', required: true },
		{ name: 'punctuation', type: 'string', default: '!' },
	],
	workflowId: 'demoWorkflow',
	workflowName: 'Demo: greet',
	nodeName: 'greet',
};

/** What a Function trigger and its Return from Function do for each call. */
async function serveGreet(client) {
	const served = await client.serve(greet);
	void (async () => {
		for (;;) {
			const calls = await served.next();
			if (calls.length === 0) return;
			for (const call of calls) {
				const { name, punctuation } = call.items[0];
				void client.respond(call.context, { greeting: `Hello, ${name}${punctuation}`, servedBy: process.pid });
			}
		}
	})();
	return served;
}

async function callGreet(client, label) {
	const started = process.hrtime.bigint();
	const answer = await client.call({ scope: '__global__', name: 'greet', items: [{ name: 'n8n' }] });
	const ms = Number(process.hrtime.bigint() - started) / 1e6;
	console.log(`${label}: greet({name: "n8n"}) returned ${JSON.stringify(answer)} in ${ms.toFixed(2)} ms`);
	try {
		await client.call({ scope: '__global__', name: 'greet', items: [{ name: 42 }] });
	} catch (error) {
		console.log(`${label}: a wrong argument is refused before sending: ${error.message}`);
	}
}

async function overRedis() {
	const caller = new FunctionsClient({ url: REDIS_URL, keyPrefix });
	await caller.list(); // reaches Redis, or fails with REDIS_UNAVAILABLE naming the address
	const child = fork(__filename, ['serve'], { stdio: 'inherit' });
	await new Promise((resolve, reject) => {
		child.once('message', resolve);
		child.once('exit', (code) => reject(new Error(`the serving process exited with ${code}`)));
	});
	console.log(`process ${child.pid} serves "greet"; process ${process.pid} calls it through ${caller.address}`);
	try {
		await callGreet(caller, 'redis');
		const many = await Promise.all(
			Array.from({ length: 1000 }, (_, i) => caller.call({ scope: '__global__', name: 'greet', items: [{ name: `#${i}` }] })),
		);
		console.log(`redis: 1000 concurrent calls answered, the last one said "${many[999].greeting}"`);
	} finally {
		child.kill('SIGTERM');
	}
}

async function inMemory() {
	const client = new FunctionsClient({ keyPrefix });
	const served = await serveGreet(client);
	await callGreet(client, 'memory');
	await served.close();
}

async function main() {
	if (process.argv[2] === 'serve') {
		const served = await serveGreet(new FunctionsClient({ url: REDIS_URL, keyPrefix }));
		process.on('SIGTERM', () => void served.close());
		process.send('ready');
		return;
	}
	try {
		await overRedis();
	} catch (error) {
		if (!/^REDIS_UNAVAILABLE/.test(error.message)) throw error;
		console.log(`No Redis reachable (${error.message.split('. ')[0]}): showing regular mode only.`);
	}
	await inMemory();
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
