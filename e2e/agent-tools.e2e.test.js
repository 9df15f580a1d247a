// Functions as AI-agent tools, in real n8n (queue mode, one main + one worker; then the core
// scenarios in regular mode): a webhook asks an AI Agent (n8n's own, version 3.1, or 2.2)
// whose OpenAI Chat Model points at a stand-in model server in this process, and whose tools
// come from one Function Tools node. The stand-in logs what the model is shown and answers
// with tool calls built from it, as a model would.
'use strict';
const { ModelStandIn, argumentsFromSchema, textMessage, toolCallsMessage, toolsShown } = require('./support/model-stand-in');
const { startN8nTopology } = require('./support/topology');
const { waitUntil } = require('./support/wait-until');
const { GLOBAL, executionIds, functionChoices, idOf, newExecutions, nodeOutput, waitForLiveFunctions, workflowFile } = require('./support/functions');

const FILES = {
	formatPrice: workflowFile('agent-format-price.json'),
	tagSummary: workflowFile('agent-tag-summary.json'),
	greet: workflowFile('agent-greet.json'),
	agent: workflowFile('agent-caller.json'),
	byHand: workflowFile('agent-call-function-tool.json'),
	agentV2: workflowFile('agent-v2-caller.json'),
};
const FUNCTIONS = [
	{ name: 'formatPrice', workflowId: idOf(FILES.formatPrice) },
	{ name: 'tagSummary', workflowId: idOf(FILES.tagSummary) },
];
const AGENT_TIMEOUT_MS = 90_000;

/** JSON schema's own marker, which LangChain adds to every tool's parameters. */
const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

/** What the model is shown for the two functions: their names, descriptions and signatures, and schemas. */
const EXPECTED_TOOLS = {
	formatPrice: {
		description: 'Formats an amount of money for an invoice\n\nSignature: formatPrice(amount: number, currency?: string)',
		parameters: {
			type: 'object',
			properties: {
				amount: { type: 'number', description: 'The amount, e.g. 12.5' },
				currency: { type: 'string', default: 'EUR', description: 'ISO 4217 currency code' },
			},
			required: ['amount'],
			additionalProperties: false,
			$schema: DRAFT_07,
		},
	},
	tagSummary: {
		description: 'Counts and joins tags\n\nSignature: tagSummary(tags: array, loud?: boolean, meta?: object)',
		parameters: {
			type: 'object',
			properties: {
				tags: { type: 'array', items: {}, description: 'The tags to count' },
				loud: { type: 'boolean', default: false, description: 'Upper-case the joined tags' },
				meta: { type: 'object', additionalProperties: {}, description: 'Handed back as it is' },
			},
			required: ['tags'],
			additionalProperties: false,
			$schema: DRAFT_07,
		},
	},
};

/** The arguments a function's execution started with (its Function trigger's output, without the call). */
function argumentsReceived(execution, functionName) {
	return nodeOutput(execution, functionName).map(({ json: { _functionCall, ...args } }) => args);
}

/** The stand-in model as every agent's OpenAI credential, and the workflows published (all but greet). */
async function setUpAgentWorkflows(n8n, model) {
	const credential = await n8n.rest.request('POST', '/credentials', {
		name: 'Stand-in model',
		type: 'openAiApi',
		data: { apiKey: 'sk-stand-in', url: model.baseUrl },
	});
	for (const file of [FILES.agent, FILES.byHand, FILES.agentV2]) {
		await n8n.rest.saveWorkflow(idOf(file), (workflow) => {
			workflow.nodes.find((node) => node.name === 'OpenAI Chat Model').credentials = { openAiApi: { id: credential.id, name: credential.name } };
		});
	}
	for (const file of [FILES.formatPrice, FILES.tagSummary, FILES.agent, FILES.byHand, FILES.agentV2]) await n8n.activate(idOf(file));
	await waitForLiveFunctions(n8n, FUNCTIONS);
}

function askAgent(n8n, question, webhookPath = 'agent') {
	return n8n.webhook(webhookPath, { query: { question }, timeoutMs: AGENT_TIMEOUT_MS });
}

/** The one tool result the model got back in a request, parsed. */
function onlyToolResult(model, request) {
	const results = model.toolResults(request);
	expect(results).toHaveLength(1);
	return JSON.parse(results[0].content);
}

/** What both modes run: the tools the model is shown and the values it gets; a wrong argument corrected. */
function defineCoreAgentScenarios(getN8n, model) {
	test('the model is shown one tool per function (name, description with signature, JSON schema), calls both and answers with their values', async () => {
		const n8n = getN8n();
		model.answerWith(
			(request) => {
				const shown = toolsShown(request);
				return toolCallsMessage(['formatPrice', 'tagSummary'].map((name) => ({ name, args: argumentsFromSchema(shown[name]?.parameters) })));
			},
			(request) => textMessage(`Tool results: ${model.toolResults(request).map((result) => result.content).join(' | ')}`),
		);
		const before = { price: await executionIds(n8n, FUNCTIONS[0].workflowId), tags: await executionIds(n8n, FUNCTIONS[1].workflowId) };

		const response = await askAgent(n8n, 'Format 12.5 as a price and summarize my tags');

		expect(response.status).toBe(200);
		expect(model.requests).toHaveLength(2);
		expect(toolsShown(model.requests[0])).toEqual(EXPECTED_TOOLS);
		// The model filled in what its schemas require; each function applied its own defaults.
		const [price] = await newExecutions(n8n, FUNCTIONS[0].workflowId, before.price);
		const [tags] = await newExecutions(n8n, FUNCTIONS[1].workflowId, before.tags);
		expect(argumentsReceived(price, 'formatPrice')).toEqual([{ amount: 12.5, currency: 'EUR' }]);
		expect(argumentsReceived(tags, 'tagSummary')).toEqual([{ tags: ['red', 'green'], loud: false }]);
		const results = model.toolResults(model.requests[1]).map((result) => JSON.parse(result.content));
		expect(results).toEqual([[{ response: { text: '12.50 EUR' } }], [{ response: { count: 2, joined: 'red, green', meta: null } }]]);
		expect(response.body).toEqual({
			output: 'Tool results: [{"response":{"text":"12.50 EUR"}}] | [{"response":{"count":2,"joined":"red, green","meta":null}}]',
		});
	});

	test("a wrong argument gets the package's error as the tool's result; corrected, the call answers", async () => {
		const n8n = getN8n();
		model.answerWith(
			() => toolCallsMessage([{ name: 'formatPrice', args: { amount: 'twelve', colour: 'red' } }]),
			() => toolCallsMessage([{ name: 'formatPrice', args: { amount: 12.5, currency: 'USD' } }]),
			(request) => textMessage(`The price is ${onlyToolResult(model, request)[0].response.text}`),
		);
		const agentId = idOf(FILES.agent);
		const before = { price: await executionIds(n8n, FUNCTIONS[0].workflowId), agent: await executionIds(n8n, agentId) };

		const response = await askAgent(n8n, 'Format twelve as a price');

		expect(model.requests).toHaveLength(3);
		// The same check and text as Call Function's, before any call is sent.
		expect(onlyToolResult(model, model.requests[1])).toEqual([
			{
				error:
					"Wrong arguments for global function 'formatPrice': unknown parameter 'colour'; parameter 'amount' must be a number, got string \"twelve\". It declares amount: number (required), currency: string.",
			},
		]);
		expect(response.status).toBe(200);
		expect(response.body).toEqual({ output: 'The price is 12.50 USD' });
		// Only the corrected call ran the function.
		const executions = await newExecutions(n8n, FUNCTIONS[0].workflowId, before.price);
		expect(executions.map((execution) => argumentsReceived(execution, 'formatPrice'))).toEqual([[{ amount: 12.5, currency: 'USD' }]]);
		// The agent's execution succeeded; its Function Tools node shows the failed call, then the answer.
		const [agentRun] = await newExecutions(n8n, agentId, before.agent);
		expect(agentRun.status).toBe('success');
		const toolRuns = agentRun.data.resultData.runData['Function Tools'].filter((run) => run.data?.ai_tool);
		expect(toolRuns.map((run) => run.data.ai_tool[0][0].json)).toEqual([
			{ error: expect.stringContaining("parameter 'amount' must be a number") },
			{ response: { text: '12.50 USD' } },
		]);
	});

}

/** Starts n8n for a describe block, with the stand-in model, and stops both after it. */
function useAgentTopology(model, topologyOptions) {
	let n8n;
	beforeAll(async () => {
		await model.start();
		n8n = await startN8nTopology({ ...topologyOptions, workflowFiles: Object.values(FILES) });
		await n8n.timer.time('set up and activate', () => setUpAgentWorkflows(n8n, model));
	}, 360_000);

	afterAll(async () => {
		await n8n?.stop();
		await model.stop();
	}, 90_000);

	beforeEach(() => model.reset());
	return () => n8n;
}

describe('queue mode: functions as tools of an AI Agent', () => {
	const model = new ModelStandIn();
	const getN8n = useAgentTopology(model, { mode: 'queue', workers: 1, install: 'package' });
	let n8n;
	beforeAll(() => {
		n8n = getN8n();
	});

	defineCoreAgentScenarios(getN8n, model);

	test('an AI Agent 2.2, whose LangChain executor invokes the tools itself, gets the same tools, errors and values', async () => {
		model.answerWith(
			() => toolCallsMessage([{ name: 'formatPrice', args: { currency: 'USD' } }]),
			() => toolCallsMessage([{ name: 'formatPrice', args: { amount: 3, currency: 'USD' } }]),
			(request) => textMessage(`v2: ${model.toolResults(request)[0].content}`),
		);
		const agentId = idOf(FILES.agentV2);
		const before = { price: await executionIds(n8n, FUNCTIONS[0].workflowId), agent: await executionIds(n8n, agentId) };

		const response = await askAgent(n8n, 'Format 3 dollars', 'agent-v2');

		expect(model.requests).toHaveLength(3);
		expect(toolsShown(model.requests[0])).toEqual(EXPECTED_TOOLS);
		// The tool's result is its own text here, not a list of n8n items.
		expect(model.toolResults(model.requests[1]).map((result) => JSON.parse(result.content))).toEqual([
			{ error: "Wrong arguments for global function 'formatPrice': required parameter 'amount' is missing. It declares amount: number (required), currency: string." },
		]);
		expect(response.status).toBe(200);
		expect(response.body).toEqual({ output: 'v2: {"response":{"text":"3.00 USD"}}' });
		const executions = await newExecutions(n8n, FUNCTIONS[0].workflowId, before.price);
		expect(executions.map((execution) => argumentsReceived(execution, 'formatPrice'))).toEqual([[{ amount: 3, currency: 'USD' }]]);
		// Each call shows in the agent's execution as a run of Function Tools: what it was given and what it gave back.
		const [agentRun] = await newExecutions(n8n, agentId, before.agent);
		const toolRuns = agentRun.data.resultData.runData['Function Tools'].filter((run) => run.inputOverride?.ai_tool);
		expect(toolRuns.map((run) => run.inputOverride.ai_tool[0][0].json)).toEqual([{ currency: 'USD' }, { amount: 3, currency: 'USD' }]);
		expect(toolRuns[1].data.ai_tool[0][0].json).toEqual({ response: { text: '3.00 USD' } });
	});

	test("20 agents at once on one worker at n8n's default concurrency (10): every tool call is answered, some run inside the agent's own execution", async () => {
		// Each conversation on its own: the question names the amount; the tool's result is echoed.
		model.answerEveryRequestWith((request) => {
			const result = request.messages.find((message) => message.role === 'tool');
			if (result) return textMessage(`answer: ${result.content}`);
			const question = request.messages.find((message) => message.role === 'user').content;
			const amount = Number(/Format (\d+)/.exec(typeof question === 'string' ? question : JSON.stringify(question))[1]);
			return toolCallsMessage([{ name: 'formatPrice', args: { amount } }]);
		});
		const before = await executionIds(n8n, FUNCTIONS[0].workflowId);
		const asked = Array.from({ length: 20 }, (_, i) => ({ amount: i, webhookPath: i % 2 === 0 ? 'agent' : 'agent-v2' }));

		const responses = await Promise.all(asked.map(({ amount, webhookPath }) => askAgent(n8n, `Format ${amount}`, webhookPath)));

		expect(responses.map((response) => [response.status, response.body.output])).toEqual(
			asked.map(({ amount, webhookPath }) => {
				const value = JSON.stringify({ response: { text: `${amount}.00 EUR` } });
				return [200, `answer: ${webhookPath === 'agent' ? `[${value}]` : value}`];
			}),
		);
		// Every agent holds one of the worker's 10 slots while it waits: calls that could not get a
		// slot of their own ran in the agent's execution, as sub-executions (mode "integrated").
		const executions = await newExecutions(n8n, FUNCTIONS[0].workflowId, before, { count: 20, timeoutMs: 60_000 });
		expect(executions.map((execution) => execution.status)).toEqual(Array(executions.length).fill('success'));
		// Every call ran once: inside its agent's execution, or in a job of the function's own. (A job
		// the trigger started for a call its caller had taken back runs nothing.)
		const inside = executions.filter((execution) => execution.mode === 'integrated').length;
		const inJobs = executions.filter((execution) => execution.mode !== 'integrated' && execution.data.resultData.runData.Return).length;
		n8n.log(`20 agents at once: ${inside} calls ran inside their agent's execution, ${inJobs} in a job of their own`);
		expect(inside + inJobs).toBe(20);
		expect(inside).toBeGreaterThan(0);
	}, 180_000);

	test('the tools follow the registry: a function published is a tool at the next run, unpublished it is gone', async () => {
		const greetId = idOf(FILES.greet);
		const toolsAtNextRun = async () => {
			model.reset();
			model.answerWith(() => textMessage('no tool needed'));
			const response = await askAgent(n8n, 'Which tools do you have?');
			expect(response.status).toBe(200);
			return toolsShown(model.requests[0]);
		};
		expect(Object.keys(await toolsAtNextRun())).toEqual(['formatPrice', 'tagSummary']);

		await n8n.activate(greetId);
		await waitForLiveFunctions(n8n, [{ name: 'greet', workflowId: greetId }]);
		const withGreet = await toolsAtNextRun();
		expect(Object.keys(withGreet)).toEqual(['formatPrice', 'greet', 'tagSummary']);
		expect(withGreet.greet).toEqual({
			description: 'Greets someone by name\n\nSignature: greet(name: string)',
			parameters: {
				type: 'object',
				properties: { name: { type: 'string', description: 'Who to greet' } },
				required: ['name'],
				additionalProperties: false,
				$schema: DRAFT_07,
			},
		});

		await n8n.rest.deactivate(greetId);
		await waitUntil(
			'greet listed as inactive',
			async () => (await functionChoices(n8n, { workflow: GLOBAL, callerWorkflowId: greetId, filter: 'greet' })).every((choice) => choice.name.includes('(inactive)')),
			{ timeoutMs: 30_000, intervalMs: 500 },
		);
		expect(Object.keys(await toolsAtNextRun())).toEqual(['formatPrice', 'tagSummary']);
	});

	test("the editor's list of functions to choose from is Call Function's", async () => {
		const options = await n8n.rest.request('POST', '/dynamic-node-parameters/options', {
			nodeTypeAndVersion: { name: n8n.nodeType('functionTools'), version: 1 },
			path: 'parameters.includeFunctions',
			methodName: 'getFunctionOptions',
			currentNodeParameters: {
				currentWorkflowId: idOf(FILES.agent),
				workflow: { __rl: true, mode: 'list', value: GLOBAL },
				include: 'selected',
				includeFunctions: [],
				options: {},
			},
			workflowId: idOf(FILES.agent),
		});
		expect(options.map((option) => option.name)).toEqual([
			'formatPrice(amount: number, currency?: string) – Formats an amount of money for an invoice',
			'greet(name: string) (inactive) – Greets someone by name',
			'tagSummary(tags: array, loud?: boolean, meta?: object) – Counts and joins tags',
		]);
		expect(options.map((option) => option.value)).toEqual(['formatPrice', 'greet', 'tagSummary']);
	});

	test('the Call Function Tool that n8n derives from Call Function still works when wired by hand', async () => {
		model.answerWith(
			(request) => {
				const [name] = Object.keys(toolsShown(request));
				return toolCallsMessage([{ name, args: { amount: 7 } }]);
			},
			(request) => textMessage(`By hand: ${model.toolResults(request)[0].content}`),
		);

		const response = await askAgent(n8n, 'Format 7 as a price', 'agent-by-hand');

		expect(toolsShown(model.requests[0])).toEqual({
			formatPrice_by_hand: {
				description: 'Formats an amount of money in EUR',
				parameters: expect.objectContaining({ properties: { amount: { type: 'number', description: 'The amount, e.g. 12.5' } }, required: ['amount'] }),
			},
		});
		expect(response.status).toBe(200);
		expect(response.body.output).toContain('7.00 EUR');
	});

	test('with no active function to offer, the agent fails saying which and what to do, before asking the model', async () => {
		const agentId = idOf(FILES.agent);
		const setSelection = (names) =>
			n8n.rest.saveWorkflow(agentId, (workflow) => {
				const tools = workflow.nodes.find((node) => node.name === 'Function Tools');
				tools.parameters = { ...tools.parameters, include: names ? 'selected' : 'all', includeFunctions: names ?? [] };
			});
		try {
			const saved = await setSelection(['greet']); // unpublished by the registry test above
			await n8n.rest.publish(agentId, saved.versionId);

			// Publishing takes effect a moment later: until then the old version asks the model (which has no answer scripted).
			let response;
			let before;
			await waitUntil(
				'the agent runs its new version, which fails before asking the model',
				async () => {
					model.reset();
					before = await executionIds(n8n, agentId);
					response = await askAgent(n8n, 'Greet me');
					return model.requests.length === 0;
				},
				{ timeoutMs: 30_000, intervalMs: 500 },
			);

			expect(response.status).toBe(500);
			const [run] = await newExecutions(n8n, agentId, before);
			expect(run.status).toBe('error');
			const { error } = run.data.resultData;
			expect(`${error.message}: ${error.description}`).toContain(
				'Function Tools found no active function to offer the agent (the global functions, as chosen in "Functions to Offer")',
			);
		} finally {
			const restored = await setSelection(undefined);
			await n8n.rest.publish(agentId, restored.versionId);
		}
	});
});

describe('regular mode: functions as tools of an AI Agent', () => {
	const model = new ModelStandIn();
	defineCoreAgentScenarios(useAgentTopology(model, { mode: 'regular', install: 'extension' }), model);
});
