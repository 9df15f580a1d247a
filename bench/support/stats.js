// Numbers for benchmarks: percentiles of latency samples, ratios, and aligned tables.
'use strict';

/** Nearest-rank percentile of ascending `sorted` (p in 0..100). */
function percentile(sorted, p) {
	if (sorted.length === 0) return NaN;
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** Latency samples (ms) → n, p50, p95, p99, max, mean. */
function summarize(samples) {
	const sorted = Float64Array.from(samples).sort();
	const sum = sorted.reduce((a, b) => a + b, 0);
	return {
		n: sorted.length,
		p50: percentile(sorted, 50),
		p95: percentile(sorted, 95),
		p99: percentile(sorted, 99),
		max: sorted.length ? sorted[sorted.length - 1] : NaN,
		mean: sorted.length ? sum / sorted.length : NaN,
	};
}

/** Milliseconds since `start` (a process.hrtime.bigint()). */
function msSince(start) {
	return Number(process.hrtime.bigint() - start) / 1e6;
}

function ms(value) {
	if (!Number.isFinite(value)) return '-';
	if (value >= 100) return `${value.toFixed(0)} ms`;
	if (value >= 10) return `${value.toFixed(1)} ms`;
	return `${value.toFixed(3)} ms`;
}

function rate(value) {
	if (!Number.isFinite(value)) return '-';
	return `${Math.round(value).toLocaleString('en-US')}/s`;
}

function ratio(value) {
	if (!Number.isFinite(value)) return '-';
	return `${value >= 10 ? value.toFixed(1) : value.toFixed(2)}×`;
}

function mib(bytes) {
	return Number.isFinite(bytes) ? `${(bytes / 1048576).toFixed(1)} MiB` : '-';
}

/** Rows (arrays of cells) under a header, columns aligned: the first `left` columns to the left, the others right. */
function table(header, rows, { left = 1 } = {}) {
	const all = [header, ...rows].map((row) => row.map((cell) => String(cell)));
	const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
	const line = (row) => row.map((cell, i) => (i < left ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ').trimEnd();
	return [line(all[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}

/** "met" / "missed" for a target check, with the measured value. */
function verdict(met) {
	return met ? 'met' : 'MISSED';
}

module.exports = { percentile, summarize, msSince, ms, rate, ratio, mib, table, verdict };
