// n8n in queue mode on Redis Cluster: main + 1 worker whose queue (Bull), and so this
// package, run on a local six-node cluster (scripts/redis-cluster.sh) named by
// QUEUE_BULL_REDIS_CLUSTER_NODES, as a user configures it. One scenario: the basic call.
'use strict';
const { LocalCluster } = require('../scripts/local-cluster');
const { cleanupRegistry } = require('./support/cleanup-registry');
const { startN8nTopology } = require('./support/topology');
const { FILES, activateAll } = require('./scenarios/core');

describe('queue mode on Redis Cluster: main + 1 worker, QUEUE_BULL_REDIS_CLUSTER_NODES', () => {
	let cluster;
	let n8n;
	let unregisterCleanup;

	beforeAll(async () => {
		cluster = await LocalCluster.start();
		// Its nodes run as daemons: a run that ends on a signal must stop them too.
		unregisterCleanup = cleanupRegistry().add(() => cluster.stopSync());
		n8n = await startN8nTopology({
			mode: 'queue',
			workers: 1,
			install: 'extension',
			env: { QUEUE_BULL_REDIS_CLUSTER_NODES: cluster.nodes },
			workflowFiles: [FILES.add, FILES.callAdd],
		});
		if (!n8n.extension.hasNodes) throw new Error(`no dist/ in ${n8n.extension.folder}: run \`npm run build\` first`);
		await n8n.timer.time('activate', () => activateAll(n8n, [{ file: FILES.add, name: 'add' }], [FILES.callAdd]));
	}, 300_000);

	afterAll(async () => {
		await n8n?.stop();
		unregisterCleanup?.();
		await cluster?.stop();
	}, 90_000);

	test('webhook → Call Function → add on a worker → Return from Function: GET /webhook/add?a=2&b=3 answers {sum: 5}, through the cluster', async () => {
		const response = await n8n.webhook('add', { query: { a: 2, b: 3 } });
		expect({ status: response.status, body: response.body }).toEqual({ status: 200, body: { sum: 5 } });
		expect(await cluster.keys(`${n8n.functionsKeyPrefix}fn:{__global__/add}:*`)).toEqual(
			expect.arrayContaining([`${n8n.functionsKeyPrefix}fn:{__global__/add}:def`, `${n8n.functionsKeyPrefix}fn:{__global__/add}:calls`]),
		);
		expect(await n8n.functionKeys()).toEqual([]); // nothing on the single Redis
	});
});
