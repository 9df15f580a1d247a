// The tool classes and the schema library of the n8n process that loads this package:
// LangChain's DynamicStructuredTool, zod and n8n-core's StructuredToolkit, required at run
// time from where n8n's own AI nodes (@n8n/n8n-nodes-langchain) find them. The package
// bundles no copies (it may have no runtime dependencies), and n8n's agent, its MCP Server
// Trigger and its human-review step check tools and schemas against exactly these modules
// (`schema instanceof ZodType` among them). A community package resolves them through
// NODE_PATH, which n8n sets to its own module folders at start (docs/ARCHITECTURE.md,
// "Functions as AI-agent tools").
import { createRequire } from 'node:module';

import { GuidedError } from '../shared/guided-error';
import type { ZodModule } from './tool-schema';

/** What this package passes to LangChain's DynamicStructuredTool (@langchain/core/tools). */
export interface DynamicStructuredToolFields {
	name: string;
	description: string;
	schema: unknown;
	func: (args: Record<string, unknown>) => Promise<string>;
	metadata?: Record<string, unknown>;
}

/** A LangChain tool, as far as this package uses one. */
export interface LangChainTool {
	name: string;
	description: string;
	schema: unknown;
	metadata?: Record<string, unknown>;
	invoke(input: unknown): Promise<unknown>;
}

export interface N8nAiModules {
	DynamicStructuredTool: new (fields: DynamicStructuredToolFields) => LangChainTool;
	/** n8n-core's toolkit: one AI-tool connection supplying several tools (as MCP Client Tool does). */
	StructuredToolkit: new (tools: LangChainTool[]) => { tools: LangChainTool[] };
	z: ZodModule;
}

/** The n8n package whose module folders hold n8n's own copies of LangChain and zod. */
const N8N_AI_NODES = '@n8n/n8n-nodes-langchain';

let loaded: N8nAiModules | undefined;

function requireFromN8n(): NodeJS.Require {
	try {
		return createRequire(require.resolve(`${N8N_AI_NODES}/package.json`));
	} catch {
		throw new GuidedError(
			`Function Tools found no AI nodes in this n8n (${N8N_AI_NODES} is missing)`,
			"Function Tools gives an AI Agent its tools with n8n's own LangChain and zod, which come with n8n's AI nodes (n8n 2.x). Run it in an n8n that has the AI Agent node, or use Call Function instead.",
		);
	}
}

export function loadN8nAiModules(): N8nAiModules {
	if (loaded) return loaded;
	const n8nRequire = requireFromN8n();
	try {
		const { DynamicStructuredTool } = n8nRequire('@langchain/core/tools') as Pick<N8nAiModules, 'DynamicStructuredTool'>;
		const { z } = n8nRequire('zod') as Pick<N8nAiModules, 'z'>;
		const { StructuredToolkit } = n8nRequire('n8n-core') as Pick<N8nAiModules, 'StructuredToolkit'>;
		if (typeof DynamicStructuredTool !== 'function' || typeof StructuredToolkit !== 'function' || typeof z?.object !== 'function') {
			throw new Error('@langchain/core, zod or n8n-core lacks DynamicStructuredTool, z.object or StructuredToolkit');
		}
		loaded = { DynamicStructuredTool, StructuredToolkit, z };
		return loaded;
	} catch (error) {
		if (error instanceof GuidedError) throw error;
		const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
		throw new GuidedError(
			`Function Tools could not load n8n's LangChain tools and zod: ${reason}`,
			'Function Tools needs the @langchain/core, zod and n8n-core that come with n8n 2.x (tested with n8n 2.41). Update n8n, or use Call Function instead.',
		);
	}
}
