// Calls a production webhook; right after activation it can answer 404 for a moment.
'use strict';
const { waitUntil } = require('./wait-until');

/**
 * @returns {Promise<{status: number, body: any, text: string, headers: Headers}>}
 * `body` is the parsed JSON, or the text when the answer is not JSON.
 */
async function callWebhook(baseUrl, webhookPath, { method = 'GET', query, body, timeoutMs = 60_000, registerWithinMs = 10_000 } = {}) {
	const url = new URL(`${baseUrl}/webhook/${webhookPath.replace(/^\//, '')}`);
	for (const [key, value] of Object.entries(query ?? {})) url.searchParams.set(key, String(value));
	const send = async () => {
		const response = await fetch(url, {
			method,
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(timeoutMs),
		});
		const text = await response.text();
		let parsed = text;
		try {
			parsed = JSON.parse(text);
		} catch {
			// not JSON: keep the text
		}
		return { status: response.status, body: parsed, text, headers: response.headers };
	};
	let last;
	await waitUntil(
		`${method} ${url} (still 404: is the workflow active and its path right?)`,
		async () => {
			last = await send();
			return last.status !== 404;
		},
		{ timeoutMs: registerWithinMs, intervalMs: 250 },
	);
	return last;
}

module.exports = { callWebhook };
