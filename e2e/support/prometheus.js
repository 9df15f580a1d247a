// Reading what n8n serves on GET /metrics (Prometheus' text format), and checking PromQL
// queries against it: every series selector of a query must match a sample of the scrape.
// Not a PromQL engine: enough to show that a dashboard's queries find their data.
'use strict';

/** GET `url`/metrics: the samples, each {name, labels, value}. */
async function scrape(url) {
	const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) });
	const text = await response.text();
	if (response.status !== 200) throw new Error(`GET ${url}/metrics answered ${response.status}: ${text.slice(0, 300)}`);
	return parseExposition(text);
}

const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function unescape(value) {
	return value.replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
}

/** Prometheus' text exposition format (what prom-client's registry.metrics() writes). */
function parseExposition(text) {
	const samples = [];
	for (const line of text.split('\n')) {
		if (line === '' || line.startsWith('#')) continue;
		const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)/.exec(line);
		if (!match) throw new Error(`not a sample line: ${line}`);
		const labels = {};
		for (const [, name, value] of (match[2] ?? '').matchAll(LABEL)) labels[name] = unescape(value);
		samples.push({ name: match[1], labels, value: Number(match[3]) });
	}
	return samples;
}

/** The samples of `name` whose labels include `labels`. */
function find(samples, name, labels = {}) {
	return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === String(v)));
}

/** The value of the one sample of `name` with `labels`; undefined if none. */
function valueOf(samples, name, labels = {}) {
	const found = find(samples, name, labels);
	if (found.length > 1) throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}`);
	return found[0]?.value;
}

/** The sum of the samples of `name` with `labels` over several scrapes (absent counts 0). */
function sumOf(scrapes, name, labels = {}) {
	return scrapes.flatMap((samples) => find(samples, name, labels)).reduce((sum, s) => sum + s.value, 0);
}

const MATCHER = /([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g;

/**
 * The series selectors of a PromQL expression whose metric names start with `metricPrefix`:
 * [{name, matchers: [{label, op, value}]}]. Grafana's variables are given as `variables`.
 */
function selectorsOf(expression, metricPrefix, variables = {}) {
	let expr = expression;
	for (const [name, value] of Object.entries(variables)) expr = expr.split(`$${name}`).join(value);
	const selectors = [];
	const pattern = new RegExp(`(${metricPrefix}[a-zA-Z0-9_:]*)\\s*(\\{[^}]*\\})?`, 'g');
	for (const [, name, braces] of expr.matchAll(pattern)) {
		const matchers = [...(braces ?? '').matchAll(MATCHER)].map(([, label, op, value]) => ({ label, op, value: unescape(value) }));
		selectors.push({ name, matchers });
	}
	return selectors;
}

function matches(sample, { label, op, value }) {
	const actual = sample.labels[label] ?? '';
	switch (op) {
		case '=':
			return actual === value;
		case '!=':
			return actual !== value;
		case '=~':
			return new RegExp(`^(?:${value})$`).test(actual);
		default:
			return !new RegExp(`^(?:${value})$`).test(actual);
	}
}

/** The selectors of `expression` that match no sample of `samples` (empty: every one finds data). */
function selectorsWithoutData(expression, samples, { metricPrefix, variables }) {
	const selectors = selectorsOf(expression, metricPrefix, variables);
	if (selectors.length === 0) throw new Error(`no ${metricPrefix}* metric in the query ${expression}`);
	return selectors.filter(({ name, matchers }) => !samples.some((s) => s.name === name && matchers.every((m) => matches(s, m))));
}

module.exports = { scrape, parseExposition, find, valueOf, sumOf, selectorsOf, selectorsWithoutData };
