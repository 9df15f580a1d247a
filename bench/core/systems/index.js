// The systems compared, by id: this package's addon and its peers, all with the same shape:
// startServer({redisUrl, prefix, functions}), startClient({redisUrl, prefix}) → {call(args, fn), close()}.
// Each is loaded only when used, so a process measures the memory of its own system only.
'use strict';

const FILES = {
	addon: './addon',
	'addon-respond-only': './addon-respond-only',
	'addon-feed-off': './addon-feed-off',
	'addon-metrics': './addon-metrics',
	'node-redis': './node-redis-rpc',
	bullmq: './bullmq',
};

function loadSystem(id) {
	if (!FILES[id]) throw new Error(`unknown system ${id} (known: ${Object.keys(FILES).join(', ')})`);
	return require(FILES[id]);
}

/** Measured only against the addon itself, by bench/core/feed.js and metrics.js. */
const VARIANTS_APART = ['addon-feed-off', 'addon-metrics'];

/** The systems named in BENCH_SYSTEMS (comma-separated ids), or all of them but VARIANTS_APART. */
function selectedSystems() {
	const all = Object.keys(FILES).filter((id) => !VARIANTS_APART.includes(id));
	const wanted = (process.env.BENCH_SYSTEMS || all.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
	return wanted.map(loadSystem);
}

/** A peer to compare the addon with (not the addon or a variant of it). */
const isPeer = (system) => !system.id.startsWith('addon');

module.exports = { loadSystem, selectedSystems, isPeer };
