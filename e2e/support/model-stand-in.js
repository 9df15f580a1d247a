// A stand-in for an OpenAI chat model, for tests where no model is reachable: an
// OpenAI-compatible POST /v1/chat/completions in the test's own process (plain node:http on
// 127.0.0.1, a free port). It logs every request n8n sends (the tools the model is shown,
// the messages) and answers each with the next of the answers the test scripted; a request
// with no answer left gets an HTTP 500 that says so.
'use strict';
const http = require('node:http');

/** What a model fills in for a property of each JSON schema type it is shown. */
const SAMPLE_VALUES = {
	string: 'sample text',
	number: 12.5,
	integer: 12,
	boolean: true,
	array: ['red', 'green'],
	object: { note: 'from the model' },
};

/**
 * Arguments for a tool, built from its JSON schema the way a model does it: every required
 * property gets a value of its type; optional ones are left out.
 */
function argumentsFromSchema(parameters) {
	const properties = parameters?.properties ?? {};
	return Object.fromEntries(
		(parameters?.required ?? []).map((name) => {
			const type = properties[name]?.type;
			return [name, type in SAMPLE_VALUES ? SAMPLE_VALUES[type] : 'any value'];
		}),
	);
}

/** An assistant message asking for tool calls: `calls` is [{name, args}]. */
function toolCallsMessage(calls) {
	return {
		role: 'assistant',
		content: null,
		tool_calls: calls.map(({ name, args }, index) => ({
			id: `call_${name}_${index}_${Math.random().toString(36).slice(2, 8)}`,
			type: 'function',
			function: { name, arguments: JSON.stringify(args) },
		})),
	};
}

function textMessage(content) {
	return { role: 'assistant', content };
}

/** The tools a request showed the model, by name: {name: {description, parameters}}. */
function toolsShown(request) {
	return Object.fromEntries((request.tools ?? []).map(({ function: tool }) => [tool.name, { description: tool.description, parameters: tool.parameters }]));
}

function completion(model, message) {
	const finishReason = message.tool_calls ? 'tool_calls' : 'stop';
	return {
		id: `chatcmpl-${Math.random().toString(36).slice(2, 10)}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model,
		choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
		usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
	};
}

class ModelStandIn {
	constructor() {
		/** Every request body received, oldest first. */
		this.requests = [];
		this.answers = [];
		/** The ids of the tool calls of the latest answer that made some. */
		this.lastToolCallIds = [];
		/** Per request: the `tool` messages it brought for those calls. */
		this.resultsByRequest = new Map();
		this.server = http.createServer((req, res) => this.handle(req, res));
	}

	/** Starts listening; `baseUrl` is what an OpenAI credential's Base URL points at. */
	async start() {
		await new Promise((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(0, '127.0.0.1', resolve);
		});
		this.baseUrl = `http://127.0.0.1:${this.server.address().port}/v1`;
		return this;
	}

	stop() {
		return new Promise((resolve) => this.server.close(() => resolve()));
	}

	/** Scripts the next answers: each a function of the request body returning an assistant message. */
	answerWith(...answers) {
		this.answers.push(...answers);
	}

	/** Answers every request once the scripted answers are used up (for concurrent conversations). */
	answerEveryRequestWith(answer) {
		this.fallback = answer;
	}

	/** Forgets what was logged and scripted (between tests). */
	reset() {
		this.requests = [];
		this.answers = [];
		this.lastToolCallIds = [];
		this.resultsByRequest.clear();
		this.fallback = undefined;
	}

	/**
	 * The results a request brought for the tool calls of the answer before it, in their
	 * order: its `tool` messages answering those calls (n8n's agent replays earlier turns too).
	 */
	toolResults(request) {
		return this.resultsByRequest.get(request) ?? [];
	}

	handle(req, res) {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			const reply = (status, body) => {
				res.writeHead(status, { 'content-type': 'application/json' });
				res.end(JSON.stringify(body));
			};
			if (req.method !== 'POST' || !req.url.endsWith('/chat/completions')) {
				return reply(404, { error: { message: `stand-in model: no ${req.method} ${req.url} (only POST /v1/chat/completions)` } });
			}
			let request;
			try {
				request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
			} catch (error) {
				return reply(400, { error: { message: `stand-in model: request is not JSON: ${error.message}` } });
			}
			this.requests.push(request);
			const results = (request.messages ?? []).filter((message) => message.role === 'tool');
			this.resultsByRequest.set(request, this.lastToolCallIds.map((id) => results.find((message) => message.tool_call_id === id)).filter(Boolean));
			if (request.stream) return reply(400, { error: { message: 'stand-in model: streaming is not scripted' } });
			const answer = this.answers.shift() ?? this.fallback;
			if (!answer) return reply(500, { error: { message: `stand-in model: no answer scripted for request ${this.requests.length}` } });
			try {
				const message = answer(request);
				if (message.tool_calls) this.lastToolCallIds = message.tool_calls.map((call) => call.id);
				return reply(200, completion(request.model, message));
			} catch (error) {
				return reply(500, { error: { message: `stand-in model: the scripted answer failed: ${error.message}` } });
			}
		});
	}
}

module.exports = { ModelStandIn, argumentsFromSchema, toolCallsMessage, textMessage, toolsShown };
