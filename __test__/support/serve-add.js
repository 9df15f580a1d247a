// A Function trigger stand-in in a process of its own: serves global function "add"
// until SIGTERM, answering {sum, pid}. Prints "ready" once it consumes.
// Usage: node serve-add.js <redis url> <key prefix> [answer delay ms, default 0]
const path = require('node:path');
const { FunctionsClient } = require(path.join(__dirname, '..', '..', 'index.js'));

async function main() {
	const [url, keyPrefix, delay = '0'] = process.argv.slice(2);
	const answerDelayMs = Number(delay);
	const client = new FunctionsClient({ url, keyPrefix });
	const served = await client.serve({
		name: 'add',
		scope: '__global__',
		parameters: [
			{ name: 'a', type: 'number', required: true },
			{ name: 'b', type: 'number', required: true },
		],
		workflowId: 'wfChild',
		workflowName: 'Child',
		nodeName: 'add',
	});
	process.on('SIGTERM', () => void served.close());
	console.log('ready');
	for (;;) {
		const calls = await served.next();
		if (calls.length === 0) break;
		for (const call of calls) {
			const { a, b } = call.items[0];
			// Like Return from Function failing inside a real execution: the trigger reports the
			// failed run, and the call runs again.
			const answer = () =>
				client
					.respond(call.context, { sum: a + b, pid: process.pid })
					.catch((error) => served.finished(call.context, error.message).catch(() => undefined));
			// A delay keeps calls in flight, so a process killed at any moment holds some.
			if (answerDelayMs > 0) setTimeout(answer, Math.random() * answerDelayMs);
			else answer();
		}
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
