// A Function trigger stand-in in a process of its own: serves global function "add"
// until SIGTERM, answering {sum, pid}. Prints "ready" once it consumes.
// Usage: node serve-add.js <redis url> <key prefix>
const path = require('node:path');
const { FunctionsClient } = require(path.join(__dirname, '..', '..', 'index.js'));

async function main() {
	const [url, keyPrefix] = process.argv.slice(2);
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
			void client.respond(call.context, { sum: a + b, pid: process.pid });
		}
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
