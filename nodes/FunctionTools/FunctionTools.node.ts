// Function Tools: gives an AI agent functions as tools, one per function, each with the
// function's own name, description and typed parameters (a toolkit, as n8n's MCP Client
// Tool supplies the tools of a server). See docs/ARCHITECTURE.md, "Functions as AI-agent tools".
import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	ISupplyDataFunctions,
	SupplyData,
} from 'n8n-workflow';

import { searchWorkflows } from '../caller/editor-lists';
import type { FunctionInfo } from '../shared/addon-types';
import { runningCaller } from '../shared/caller-identity';
import { type Functions, getFunctions } from '../shared/client';
import { functionsRedisConnectionTest } from '../shared/credential-test';
import { GuidedError } from '../shared/guided-error';
import { toNodeError } from '../shared/node-error';
import { describeScope } from '../shared/scope';
import { buildFunctionTools } from './function-toolkit';
import { getFunctionOptions } from './load-options';
import { toolInvocationOf } from './model-arguments';
import { loadN8nAiModules } from './n8n-ai-modules';
import { type FunctionSelection, chosenFunctions, offeredFunctions } from './offered-functions';
import { functionToolsProperties } from './properties';
import { type ModelArguments, type ToolOutcome, callFunctionTool } from './tool-call';
import { toolNameOf } from './tool-names';
import { type ToolSettings, readToolSettings } from './tool-settings';

function nothingToOffer(selection: FunctionSelection): GuidedError {
	const chosen = selection.mode === 'all' ? '' : ', as chosen in "Functions to Offer"';
	return new GuidedError(
		`Function Tools found no active function to offer the agent (${describeScope(selection.scope)}${chosen})`,
		'Publish (activate) a workflow whose Function trigger defines one there, or change "Functions Of" or "Functions to Offer".',
	);
}

function notOffered(toolName: string, selection: FunctionSelection): GuidedError {
	return new GuidedError(
		`No function behind the tool "${toolName}" is offered by this node now (${describeScope(selection.scope)})`,
		'It was renamed, removed or left out of "Functions to Offer" since the agent saw its tools.',
	);
}

/** The chosen function behind a tool name, an active one first. */
function functionOfTool(chosen: FunctionInfo[], toolName: string): FunctionInfo | undefined {
	const named = chosen.filter((info) => toolNameOf(info.name) === toolName);
	return named.find((info) => info.live) ?? named[0];
}

/**
 * A tool call made by invoking the tool object (an agent used as another agent's tool, n8n's
 * MCP Server Trigger, older agents): the outcome goes back as the tool's result, failures
 * included, and the call shows in the execution as a run of this node.
 */
async function invokeDirectly(
	context: ISupplyDataFunctions,
	functions: Functions,
	info: FunctionInfo,
	args: ModelArguments,
	timeoutMs: number,
): Promise<ToolOutcome> {
	const { index } = context.addInputData(NodeConnectionTypes.AiTool, [[{ json: args as IDataObject }]]);
	try {
		const response = await callFunctionTool(context, functions, info, args, timeoutMs);
		context.addOutputData(NodeConnectionTypes.AiTool, index, [[{ json: { response } as IDataObject }]]);
		return { response };
	} catch (error) {
		const nodeError = toNodeError(context.getNode(), error);
		context.addOutputData(NodeConnectionTypes.AiTool, index, nodeError);
		return { error: nodeError.message };
	}
}

/** One tool call the engine runs: the tool the model named, with what the model sent. */
async function runEngineToolCall(
	context: IExecuteFunctions,
	functions: Functions,
	settings: ToolSettings,
	chosen: FunctionInfo[],
	itemIndex: number,
): Promise<INodeExecutionData> {
	const parametersOf = (toolName: string) => functionOfTool(chosen, toolName)?.parameters.map((parameter) => parameter.name) ?? [];
	const { toolName, args } = toolInvocationOf(context, itemIndex, parametersOf);
	const info = functionOfTool(chosen, toolName);
	if (!info) throw notOffered(toolName, settings.selection);
	const response = await callFunctionTool(context, functions, info, args, settings.timeoutMs);
	return { json: { response } as IDataObject, pairedItem: { item: itemIndex } };
}

export class FunctionTools implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Function Tools',
		name: 'functionTools',
		icon: { light: 'file:functionTools.svg', dark: 'file:functionTools.dark.svg' },
		group: ['output'],
		version: [1],
		subtitle:
			'={{ $parameter["include"] === "selected" ? $parameter["includeFunctions"].join(", ") : $parameter["include"] === "except" ? "All except " + $parameter["excludeFunctions"].join(", ") : "All functions" }}',
		description: "Gives an AI agent functions as tools, each with the function's own name, description and typed parameters",
		documentationUrl: 'https://www.npmjs.com/package/n8n-nodes-functions#function-tools',
		defaults: { name: 'Function Tools' },
		inputs: [],
		outputs: [NodeConnectionTypes.AiTool],
		outputNames: ['Tools'],
		// Written out, not shared: n8n's lint reads credential entries from each node's own description.
		// Optional, and offered only when the node's "Redis" setting asks for another Redis.
		credentials: [
			{
				name: 'functionsRedisApi',
				required: false,
				testedBy: 'functionsRedisConnectionTest',
				displayOptions: { show: { redis: ['credential'] } },
			},
		],
		properties: functionToolsProperties,
	};

	methods = {
		listSearch: { searchWorkflows },
		loadOptions: { getFunctionOptions },
		credentialTest: { functionsRedisConnectionTest },
	};

	/** The agent's tools: one per function offered now. */
	async supplyData(this: ISupplyDataFunctions, itemIndex: number): Promise<SupplyData> {
		try {
			const modules = loadN8nAiModules();
			const { selection, timeoutMs } = readToolSettings(this, itemIndex);
			const functions = await getFunctions(this);
			const offered = await offeredFunctions(functions, selection, await runningCaller(this));
			if (offered.length === 0) throw nothingToOffer(selection);
			const tools = buildFunctionTools(modules, offered, (info, args) => invokeDirectly(this, functions, info, args, timeoutMs));
			return { response: new modules.StructuredToolkit(tools) };
		} catch (error) {
			throw toNodeError(this.getNode(), error, itemIndex);
		}
	}

	/**
	 * Tool calls as n8n's agent (3.x) has its engine run them: one item per call, naming the
	 * tool. A failure is thrown, and n8n hands its message to the model as the tool's result.
	 */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		let functions: Functions;
		let settings: ToolSettings;
		let chosen: FunctionInfo[];
		try {
			settings = readToolSettings(this, 0);
			functions = await getFunctions(this);
			chosen = await chosenFunctions(functions, settings.selection, await runningCaller(this));
		} catch (error) {
			throw toNodeError(this.getNode(), error);
		}
		const output = await Promise.all(
			this.getInputData().map(async (_, itemIndex) => {
				try {
					return await runEngineToolCall(this, functions, settings, chosen, itemIndex);
				} catch (error) {
					throw toNodeError(this.getNode(), error, itemIndex);
				}
			}),
		);
		return [output];
	}
}
