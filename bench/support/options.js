// What every benchmark shares: quick mode, the Redis to use, a fresh key prefix per run,
// and how a benchmark hands its result to bench/core/run.js.
'use strict';
const crypto = require('node:crypto');

/** `--quick` or BENCH_QUICK=1: every benchmark runs tiny (seconds), for CI. */
const quick = process.argv.includes('--quick') || /^(1|true|yes)$/i.test(process.env.BENCH_QUICK ?? '');

const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

/** `full` normally, `quickValue` in quick mode. */
function scale(full, quickValue) {
	return quick ? quickValue : full;
}

/** A key prefix no other run uses: `bench-<what>-<time><random>:`. */
function uniquePrefix(what) {
	return `bench-${what}-${Date.now().toString(36)}${crypto.randomBytes(3).toString('hex')}:`;
}

/** Prints a benchmark's heading. */
function heading(title) {
	console.log(`\n## ${title}${quick ? ' (quick)' : ''}\n`);
}

/** Hands the result to the parent (bench/core/run.js) when there is one. */
function report(name, result) {
	if (process.send) process.send({ benchResult: name, result });
	return result;
}

/** Runs a benchmark's main(), exiting non-zero on an error (a broken benchmark, never a number). */
function runMain(main) {
	main().then(
		() => process.exit(0),
		(error) => {
			console.error(error);
			process.exit(1);
		},
	);
}

module.exports = { quick, redisUrl, scale, uniquePrefix, heading, report, runMain };
