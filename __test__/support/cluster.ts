/** The local Redis Cluster of scripts/local-cluster.js (six nodes on free loopback ports), typed for the tests. */
export interface LocalCluster {
	/** Node URLs, comma-separated: the addon's url option for a cluster. */
	readonly url: string;
	readonly ports: number[];
	/** The port of the live primary serving `key`'s slot. */
	primaryOf(key: string): Promise<number>;
	/** The ports where a client subscribes to channels matching `pattern`. */
	subscribedAt(pattern: string): Promise<number[]>;
	kill(port: number): void;
	/** After kill(port): resolves once a replica serves its slots. */
	failedOver(port: number): Promise<void>;
	stop(): Promise<void>;
}

export function startCluster(): Promise<LocalCluster> {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return require('../../scripts/local-cluster.js').LocalCluster.start();
}
