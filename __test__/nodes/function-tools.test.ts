// Function Tools' own logic: tool names, descriptions and schemas, the selection, the
// settings and the arguments of an engine-run tool call. The schemas are built with real
// zod and turned into JSON schema by real LangChain (this repo's dev copies of what n8n
// ships); what n8n's agent shows a model is tested in e2e/agent-tools.e2e.test.js.
import { DynamicStructuredTool } from '@langchain/core/tools';
import { toJsonSchema } from '@langchain/core/utils/json_schema';
import type { IExecuteFunctions, ISupplyDataFunctions } from 'n8n-workflow';
import { z } from 'zod';

import type { FunctionInfo, ParameterSpec } from '../../nodes/shared/addon-types';
import { buildFunctionTools } from '../../nodes/FunctionTools/function-toolkit';
import { toolInvocationOf } from '../../nodes/FunctionTools/model-arguments';
import type { N8nAiModules } from '../../nodes/FunctionTools/n8n-ai-modules';
import { isChosen } from '../../nodes/FunctionTools/offered-functions';
import { toolDescriptionOf } from '../../nodes/FunctionTools/tool-description';
import { byToolName, toolNameOf } from '../../nodes/FunctionTools/tool-names';
import { type ZodModule, toolSchemaOf } from '../../nodes/FunctionTools/tool-schema';
import { readToolSettings } from '../../nodes/FunctionTools/tool-settings';

const zod = z as unknown as ZodModule;
const modules = { DynamicStructuredTool, StructuredToolkit: class {}, z: zod } as unknown as N8nAiModules;

function info(name: string, parameters: ParameterSpec[] = [], extra: Partial<FunctionInfo> = {}): FunctionInfo {
	return {
		key: `__global__/${name}`,
		name,
		scope: '__global__',
		description: '',
		parameters,
		workflowId: 'wf1',
		workflowName: 'Tools',
		nodeName: name,
		maxAttempts: 1,
		live: true,
		callerPolicy: 'any',
		...extra,
	};
}

const formatPrice = info(
	'formatPrice',
	[
		{ name: 'amount', type: 'number', required: true, description: 'The amount' },
		{ name: 'currency', type: 'string', required: false, default: 'EUR', description: 'ISO 4217 code' },
	],
	{ description: 'Formats an amount of money' },
);

function jsonSchemaOf(parameters: ParameterSpec[]): Record<string, unknown> {
	const { $schema: _marker, ...schema } = toJsonSchema(toolSchemaOf(zod, parameters) as never) as Record<string, unknown>;
	return schema;
}

describe('tool names', () => {
	it('keep a function name that is a valid tool name, and replace what providers refuse', () => {
		expect(toolNameOf('formatPrice')).toBe('formatPrice');
		expect(toolNameOf('format price')).toBe('format_price');
		expect(toolNameOf('größe.v2')).toBe('gr__e_v2');
		expect(toolNameOf('x'.repeat(70))).toBe('x'.repeat(64));
		expect(toolNameOf('')).toBe('_');
	});

	it('refuse two functions that would become the same tool, naming both', () => {
		expect(() => byToolName([info('format price'), info('format_price')])).toThrow(
			'The functions "format price" and "format_price" would both be the tool "format_price"',
		);
		expect([...byToolName([info('a b'), info('c')]).keys()]).toEqual(['a_b', 'c']);
	});
});

describe('tool descriptions', () => {
	it("are the function's description, then its signature", () => {
		expect(toolDescriptionOf(formatPrice)).toBe('Formats an amount of money\n\nSignature: formatPrice(amount: number, currency?: string)');
	});

	it('are the signature alone when the function has no description', () => {
		expect(toolDescriptionOf(info('ping'))).toBe('Signature: ping()');
	});
});

describe('tool schemas', () => {
	it('show every declared type, required parameters, defaults and descriptions', () => {
		expect(
			jsonSchemaOf([
				{ name: 'text', type: 'string', required: true, description: 'Some text' },
				{ name: 'count', type: 'number', required: false, default: 3 },
				{ name: 'on', type: 'boolean', required: false },
				{ name: 'options', type: 'object', required: true },
				{ name: 'list', type: 'array', required: false, description: 'Anything listed' },
				{ name: 'value', type: 'any', required: true, description: 'Any JSON value' },
				{ name: 'extra', type: 'any', required: false },
			]),
		).toEqual({
			type: 'object',
			properties: {
				text: { type: 'string', description: 'Some text' },
				count: { type: 'number', default: 3 },
				on: { type: 'boolean' },
				options: { type: 'object', additionalProperties: {} },
				// OpenAI refuses an array schema without `items`.
				list: { type: 'array', items: {}, description: 'Anything listed' },
				value: { description: 'Any JSON value' },
				extra: {},
			},
			required: ['text', 'options', 'value'],
			additionalProperties: false,
		});
	});

	it('of a function without parameters is an empty object', () => {
		expect(jsonSchemaOf([])).toEqual({ type: 'object', properties: {}, additionalProperties: false });
	});

	it("let whatever the model sends through unchanged, for the package's own check", () => {
		const schema = toolSchemaOf(zod, formatPrice.parameters) as unknown as z.ZodTypeAny;
		for (const sent of [{ amount: 'twelve' }, { currency: 'USD' }, { amount: 1, colour: 'red' }, 'not an object']) {
			expect(schema.parse(sent)).toEqual(sent);
		}
		// What is valid gets its defaults, as the function would apply them.
		expect(schema.parse({ amount: 1 })).toEqual({ amount: 1, currency: 'EUR' });
	});
});

describe('the toolkit', () => {
	it('has one LangChain tool per function, named after it, handing the model\'s arguments over as they are', async () => {
		const seen: Array<[string, unknown]> = [];
		const [tool] = buildFunctionTools(modules, [formatPrice], async (called, args) => {
			seen.push([called.name, args]);
			return { error: 'checked by the package' };
		});
		expect(tool).toBeInstanceOf(DynamicStructuredTool);
		expect(tool.name).toBe('formatPrice');
		expect(tool.description).toBe(toolDescriptionOf(formatPrice));
		expect(tool.metadata).toEqual({ isFromToolkit: true });
		await expect(tool.invoke({ amount: 'twelve' })).resolves.toBe('{"error":"checked by the package"}');
		expect(seen).toEqual([['formatPrice', { amount: 'twelve' }]]);
	});
});

describe('the selection', () => {
	const selection = (mode: 'all' | 'selected' | 'except', names: string[] = []) => ({ scope: '__global__', mode, names });

	it('chooses all, the ones named, or all but the ones named', () => {
		const all = [info('a'), info('b'), info('c')];
		expect(all.filter((f) => isChosen(selection('all'), f)).map((f) => f.name)).toEqual(['a', 'b', 'c']);
		expect(all.filter((f) => isChosen(selection('selected', ['b']), f)).map((f) => f.name)).toEqual(['b']);
		expect(all.filter((f) => isChosen(selection('except', ['b']), f)).map((f) => f.name)).toEqual(['a', 'c']);
	});
});

/** Function Tools' parameters as n8n hands them to its methods. */
function settingsContext(parameters: Record<string, unknown>, workflowId = 'wfAgent'): ISupplyDataFunctions {
	return {
		getWorkflow: () => ({ id: workflowId, name: 'Agent', active: true }),
		getNodeParameter: (name: string, _index: number, fallback?: unknown) => (name in parameters ? parameters[name] : fallback),
	} as unknown as ISupplyDataFunctions;
}

describe('the settings', () => {
	it('read the scope, the selection and the timeout', () => {
		expect(readToolSettings(settingsContext({ workflow: '__this__', include: 'selected', includeFunctions: 'a, b', options: { timeout: 2 } }), 0)).toEqual({
			selection: { scope: 'wfAgent', mode: 'selected', names: ['a', 'b'] },
			timeoutMs: 2000,
		});
		expect(readToolSettings(settingsContext({ workflow: '__global__', include: 'all', options: {} }), 0)).toEqual({
			selection: { scope: '__global__', mode: 'all', names: [] },
			timeoutMs: 30000,
		});
	});

	it("refuse another workflow's local functions, saying what to choose instead", () => {
		expect(() => readToolSettings(settingsContext({ workflow: 'wfOther', options: {} }), 0)).toThrow('The functions of workflow wfOther are local to that workflow');
	});

	it('refuse a timeout that is not a positive number of seconds', () => {
		expect(() => readToolSettings(settingsContext({ workflow: '__global__', options: { timeout: 0 } }), 0)).toThrow('Timeout must be a positive number of seconds');
	});
});

/** An engine run of the node: the merged input item, and the model's part as n8n records it. */
function engineRun(item: Record<string, unknown>, modelPart: Record<string, unknown> | undefined): IExecuteFunctions {
	const run = modelPart ? { inputOverride: { ai_tool: [[{ json: modelPart }]] } } : {};
	return {
		getNode: () => ({ name: 'Function Tools' }),
		getInputData: () => [{ json: item }],
		runIndex: 1,
		runExecutionData: { resultData: { runData: { 'Function Tools': [{}, run] } } },
	} as unknown as IExecuteFunctions;
}

describe('the arguments of an engine-run tool call', () => {
	const webhookItem = { query: { question: 'hi' }, headers: {}, sessionId: 's1' };

	it("are what the model sent, never the agent's own input fields", () => {
		const context = engineRun({ ...webhookItem, amount: 'twelve', colour: 'red', tool: 'formatPrice', toolCallId: 'c1' }, { amount: 'twelve', colour: 'red', tool: 'formatPrice' });
		expect(toolInvocationOf(context, 0, () => ['amount', 'currency', 'query'])).toEqual({ toolName: 'formatPrice', args: { amount: 'twelve', colour: 'red' } });
	});

	it("are the declared parameters found on the item when n8n kept no record of the model's part", () => {
		const context = engineRun({ ...webhookItem, amount: 3, tool: 'formatPrice' }, undefined);
		expect(toolInvocationOf(context, 0, (name) => (name === 'formatPrice' ? ['amount', 'currency'] : []))).toEqual({
			toolName: 'formatPrice',
			args: { amount: 3 },
		});
	});
});
