// What the model sent for one tool call, when n8n's agent has its engine run this node
// (Agent 3.x: each tool call becomes a run of the tool's node). The engine hands the node
// the agent's own input item with the model's arguments merged over it and the tool's name
// added ({...agentItem, ...arguments, tool, toolCallId}), and keeps the model's part alone
// in the run's `inputOverride`, where n8n's $fromAI reads it too. Only that part is what the
// model sent: a webhook's `query` or a chat's `sessionId` must not pass for an argument.
import type { IDataObject, IExecuteFunctions, ITaskData } from 'n8n-workflow';

import type { ModelArguments } from './tool-call';

/** The field the engine adds to name the toolkit's tool that was called. */
export const TOOL_NAME_FIELD = 'tool';

/** The engine's run data (internal to n8n-core's execute context, as $fromAI reads it). */
interface EngineRun {
	runExecutionData?: { resultData?: { runData?: Record<string, ITaskData[] | undefined> } };
	runIndex?: number;
}

export interface ToolInvocation {
	toolName: string;
	args: ModelArguments;
}

function modelPart(context: IExecuteFunctions, itemIndex: number): IDataObject | undefined {
	const { runExecutionData, runIndex } = context as unknown as EngineRun;
	if (runIndex === undefined) return undefined;
	const run = runExecutionData?.resultData?.runData?.[context.getNode().name]?.[runIndex];
	return run?.inputOverride?.ai_tool?.[0]?.[itemIndex]?.json;
}

/**
 * The tool the model called and its arguments. Without the engine's record of the model's
 * part, the tool's declared parameters found on the item are taken (`parametersOf` names them).
 */
export function toolInvocationOf(context: IExecuteFunctions, itemIndex: number, parametersOf: (toolName: string) => string[]): ToolInvocation {
	const item = context.getInputData()[itemIndex]?.json ?? {};
	const sent = modelPart(context, itemIndex);
	const toolName = String((sent ?? item)[TOOL_NAME_FIELD] ?? '');
	if (sent) {
		const { [TOOL_NAME_FIELD]: _tool, ...args } = sent;
		return { toolName, args };
	}
	const names = parametersOf(toolName).filter((name) => name in item);
	return { toolName, args: Object.fromEntries(names.map((name) => [name, item[name]])) };
}
