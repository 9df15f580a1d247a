// Runs inside the Node of the platform under test (platforms.test.js starts it through
// toolchain/node-runtimes.js; the release workflow runs it on macOS and Windows): loads the
// installed package the way n8n's nodes do (its index.js picks the binary), serves a
// function and calls it, and has a wrong argument refused: in memory (n8n's regular mode),
// over Redis when PROBE_REDIS_URL is set, and over TLS when PROBE_TLS_URL is set (after
// that server has been refused while its certificate authority was not yet trusted).
// Prints one JSON line with what it saw; exits 1 when anything failed.
//
//   node probe.js <package folder>
//   PROBE_REDIS_URL, PROBE_TLS_URL + PROBE_TLS_CA_FILE, PROBE_KEY_PREFIX (default probe-<pid>:)
'use strict';
const path = require('node:path');

const packageDir = path.resolve(process.argv[2] || '.');
const { PROBE_REDIS_URL, PROBE_TLS_URL, PROBE_TLS_CA_FILE } = process.env;
const keyPrefix = process.env.PROBE_KEY_PREFIX || `probe-${process.pid}:`;

const add = {
	name: 'add',
	scope: '__global__',
	description: 'Adds two numbers',
	parameters: [
		{ name: 'a', type: 'number', required: true },
		{ name: 'b', type: 'number', required: true },
	],
	workflowId: 'wfPlatformProbe',
	nodeName: 'add',
};

/** Serves `add` the way a Function trigger and Return from Function do, until closed. */
async function serveAdd(client) {
	const served = await client.serve(add);
	const loop = (async () => {
		for (;;) {
			const calls = await served.next();
			if (calls.length === 0) return;
			for (const call of calls) {
				const [{ a, b }] = call.items;
				await client.respond(call.context, { sum: a + b, arch: process.arch });
			}
		}
	})();
	return { close: async () => (await served.close(), await loop) };
}

/** add(2, 3) and add('two', 3) through a client of `options`; throws unless answered and refused. */
async function roundTrip(FunctionsClient, options) {
	const client = new FunctionsClient({ keyPrefix, ...options });
	const served = await serveAdd(client);
	try {
		const answer = await client.call({ scope: '__global__', name: 'add', items: [{ a: 2, b: 3 }], timeoutMs: 20000 });
		if (answer?.sum !== 5) throw new Error(`add(2, 3) over ${client.backend} answered ${JSON.stringify(answer)}`);
		let refusal = null;
		try {
			await client.call({ scope: '__global__', name: 'add', items: [{ a: 'two', b: 3 }], timeoutMs: 20000 });
		} catch (error) {
			refusal = `${error.code}: ${error.message}`;
		}
		if (!refusal?.startsWith('INVALID_ARGUMENTS: ')) throw new Error(`add('two', 3) over ${client.backend} was not refused as a wrong argument: ${refusal ?? 'it was answered'}`);
		return { backend: client.backend, answer, refusal };
	} finally {
		await served.close();
	}
}

/** The refusal of the TLS server while this process does not trust its certificate authority. */
async function untrustedRefusal(FunctionsClient) {
	const client = new FunctionsClient({ url: PROBE_TLS_URL, keyPrefix: `${keyPrefix}untrusted:` });
	try {
		await client.list();
	} catch (error) {
		return `${error.code}: ${error.message}`;
	}
	throw new Error(`${PROBE_TLS_URL} was reached without trusting its certificate authority`);
}

async function main() {
	const { FunctionsClient } = require(path.join(packageDir, 'index.js'));
	const report = {
		platform: process.platform,
		arch: process.arch,
		node: process.version,
		glibc: process.report.getReport().header.glibcVersionRuntime ?? null,
		loadedBinaries: Object.keys(require.cache)
			.filter((file) => file.endsWith('.node'))
			.map((file) => path.relative(packageDir, file).split(path.sep).join('/')),
		memory: await roundTrip(FunctionsClient, {}),
	};
	if (PROBE_REDIS_URL) report.redis = await roundTrip(FunctionsClient, { url: PROBE_REDIS_URL });
	if (PROBE_TLS_URL) {
		report.untrustedTls = await untrustedRefusal(FunctionsClient);
		process.env.N8N_FUNCTIONS_REDIS_CA_FILE = PROBE_TLS_CA_FILE; // read for each new connection setting
		report.tls = await roundTrip(FunctionsClient, { url: PROBE_TLS_URL });
	}
	console.log(JSON.stringify(report));
}

main().then(
	() => process.exit(0),
	(error) => {
		console.log(JSON.stringify({ error: String(error && error.stack ? error.stack : error) }));
		process.exit(1);
	},
);
