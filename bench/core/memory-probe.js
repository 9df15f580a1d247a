// A process whose memory bench/core/memory.js measures: it serves N functions or makes N
// concurrent calls with one system, and reports its resident memory (RSS) at each step.
//   fork(memory-probe.js, ['serve' | 'call', systemId, JSON {redisUrl, prefix, count}]) with --expose-gc
'use strict';
const rssBare = process.memoryUsage().rss; // before any library is loaded

const gc = () => globalThis.gc?.();
const rss = () => process.memoryUsage().rss;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
	const [mode, systemId, optionsJson] = process.argv.slice(2);
	const { redisUrl, prefix, count } = JSON.parse(optionsJson);
	const system = require('./systems').loadSystem(systemId);
	const result = { mode, system: systemId, count, rssBare };
	if (mode === 'serve') {
		result.rssLoaded = rss();
		const server = await system.startServer({ redisUrl, prefix, functions: count });
		await sleep(1000);
		gc();
		result.rssServing = rss();
		await server.close();
	} else {
		const client = await system.startClient({ redisUrl, prefix });
		for (let i = 0; i < 200; i++) await client.call({ a: i, b: 1 });
		gc();
		result.rssBefore = rss();
		let peak = result.rssBefore;
		const sampler = setInterval(() => (peak = Math.max(peak, rss())), 5);
		const start = Date.now();
		const calls = Array.from({ length: count }, (_, i) => client.call({ a: i, b: 1 }));
		result.rssAllSent = rss(); // every call issued, (nearly) none answered yet
		peak = Math.max(peak, result.rssAllSent);
		const values = await Promise.all(calls);
		result.seconds = (Date.now() - start) / 1000;
		clearInterval(sampler);
		result.rssPeak = Math.max(peak, rss());
		if (values.some((v, i) => v?.sum !== i + 1)) throw new Error(`${systemId}: a wrong answer among ${count} calls`);
		gc();
		result.rssAfter = rss();
		await client.close();
	}
	process.send({ memory: result });
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
