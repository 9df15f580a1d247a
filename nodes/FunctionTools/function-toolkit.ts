// The tools an agent gets from a Function Tools node: one LangChain tool per offered
// function, named after it, described by its description and signature, with a schema from
// its declared parameters. Built afresh whenever the agent asks (every step it takes), so it
// always shows the registry as it is.
import type { FunctionInfo } from '../shared/addon-types';
import type { LangChainTool, N8nAiModules } from './n8n-ai-modules';
import type { ModelArguments, ToolOutcome } from './tool-call';
import { toolDescriptionOf } from './tool-description';
import { byToolName } from './tool-names';
import { toolSchemaOf } from './tool-schema';

/** Runs one call of a tool when the agent invokes the tool object itself (see FunctionTools.node.ts). */
export type InvokeTool = (info: FunctionInfo, args: ModelArguments) => Promise<ToolOutcome>;

export function buildFunctionTools(modules: N8nAiModules, offered: FunctionInfo[], invoke: InvokeTool): LangChainTool[] {
	return [...byToolName(offered)].map(
		([toolName, info]) =>
			new modules.DynamicStructuredTool({
				name: toolName,
				description: toolDescriptionOf(info),
				schema: toolSchemaOf(modules.z, info.parameters),
				func: async (args) => JSON.stringify(await invoke(info, args)),
				// A toolkit's tool: n8n's agent adds the tool's name when its engine runs this node.
				metadata: { isFromToolkit: true },
			}),
	);
}
