import type { INodeProperties, INodeType } from 'n8n-workflow';

import { FunctionsRedisApi } from '../../credentials/FunctionsRedisApi.credentials';
import { CallFunction } from '../../nodes/CallFunction/CallFunction.node';
import { FunctionTrigger } from '../../nodes/Function/FunctionTrigger.node';
import { FunctionTools } from '../../nodes/FunctionTools/FunctionTools.node';
import { ReturnFromFunction } from '../../nodes/ReturnFromFunction/ReturnFromFunction.node';

const nodes: INodeType[] = [new FunctionTrigger(), new CallFunction(), new ReturnFromFunction(), new FunctionTools()];

function methodNamesUsedBy(properties: INodeProperties[]): { listSearch: string[]; resourceMapping: string[] } {
	const listSearch: string[] = [];
	const resourceMapping: string[] = [];
	for (const property of properties) {
		for (const mode of property.modes ?? []) {
			const method = mode.typeOptions?.searchListMethod;
			if (method) listSearch.push(method);
		}
		const mapper = property.typeOptions?.resourceMapper;
		if (mapper && 'resourceMapperMethod' in mapper && mapper.resourceMapperMethod) resourceMapping.push(mapper.resourceMapperMethod);
	}
	return { listSearch, resourceMapping };
}

describe('the package as n8n loads it', () => {
	it('loads every node without touching the native addon', () => {
		// The package loaded afresh on a platform it carries no binary for (Node reports
		// riscv64): loading a node must not fail; using the addon fails, naming the platform.
		const realArch = Object.getOwnPropertyDescriptor(process, 'arch')!;
		Object.defineProperty(process, 'arch', { ...realArch, value: 'riscv64' });
		try {
			jest.isolateModules(() => {
				/* eslint-disable @typescript-eslint/no-require-imports */
				const { FunctionTrigger: Trigger } = require('../../nodes/Function/FunctionTrigger.node') as typeof import('../../nodes/Function/FunctionTrigger.node');
				const { CallFunction: Call } = require('../../nodes/CallFunction/CallFunction.node') as typeof import('../../nodes/CallFunction/CallFunction.node');
				const { ReturnFromFunction: Return } = require('../../nodes/ReturnFromFunction/ReturnFromFunction.node') as typeof import('../../nodes/ReturnFromFunction/ReturnFromFunction.node');
				const { FunctionTools: Tools } = require('../../nodes/FunctionTools/FunctionTools.node') as typeof import('../../nodes/FunctionTools/FunctionTools.node');
				require('../../credentials/FunctionsRedisApi.credentials');
				const { loadAddon } = require('../../nodes/shared/addon') as typeof import('../../nodes/shared/addon');
				/* eslint-enable @typescript-eslint/no-require-imports */
				const loaded: INodeType[] = [new Trigger(), new Call(), new Return(), new Tools()];
				expect(loaded.map((node) => node.description.name)).toEqual(['functionTrigger', 'callFunction', 'returnFromFunction', 'functionTools']);
				expect(loadAddon).toThrow(/The native part of n8n-nodes-functions could not be loaded .*: n8n-nodes-functions [\d.]+ has no native binary for linux-riscv64-(gnu|musl)/);
			});
		} finally {
			Object.defineProperty(process, 'arch', realArch);
		}
	});

	it('uses the "main" connection value of n8n-workflow 2.x, and Function Tools its AI tool output', () => {
		const [trigger, call, ret, tools] = nodes.map((node) => node.description);
		expect(trigger.inputs).toEqual([]);
		expect(trigger.outputs).toEqual(['main']);
		expect(call.inputs).toEqual(['main']);
		expect(ret.outputs).toEqual(['main']);
		expect(tools.inputs).toEqual([]);
		expect(tools.outputs).toEqual(['ai_tool']);
	});

	it('offers the Functions Redis credential on every node only once its "Redis" setting asks for another Redis, with a working test method', () => {
		const credential = new FunctionsRedisApi();
		for (const node of nodes) {
			expect(node.description.credentials).toEqual([
				{ name: credential.name, required: false, testedBy: 'functionsRedisConnectionTest', displayOptions: { show: { redis: ['credential'] } } },
			]);
			const redis = node.description.properties.at(-1);
			expect(redis).toMatchObject({ name: 'redis', type: 'options', default: 'n8n' });
			expect(redis?.options?.map((option) => (option as { value: string }).value)).toEqual(['n8n', 'credential']);
			expect(node.methods?.credentialTest?.functionsRedisConnectionTest).toBeInstanceOf(Function);
		}
		expect(credential.properties.find((property) => property.name === 'password')?.typeOptions?.password).toBe(true);
	});

	it("loads Call Function's lists without a credential: n8n's editor asks for one before a list unless told not to", () => {
		const modes = nodes[1].description.properties.flatMap((property) => property.modes ?? []).filter((mode) => mode.type === 'list');
		expect(modes).toHaveLength(2);
		for (const mode of modes) expect(mode.typeOptions?.skipCredentialsCheckInRLC).toBe(true);
	});

	it('names only methods Call Function has for its live lists and fields', () => {
		const callFunction = nodes[1];
		const used = methodNamesUsedBy(callFunction.description.properties);
		expect(used.listSearch.sort()).toEqual(['searchFunctions', 'searchWorkflows']);
		expect(used.resourceMapping).toEqual(['getParameterFields']);
		for (const name of used.listSearch) expect(callFunction.methods?.listSearch?.[name]).toBeInstanceOf(Function);
		for (const name of used.resourceMapping) expect(callFunction.methods?.resourceMapping?.[name]).toBeInstanceOf(Function);
	});

	it('lets AI agents use Call Function as a tool', () => {
		expect(nodes[1].description.usableAsTool).toBe(true);
	});

	it("names only methods Function Tools has for its lists, and reuses Call Function's Workflow list", () => {
		const functionTools = nodes[3];
		const { properties } = functionTools.description;
		expect(methodNamesUsedBy(properties).listSearch).toEqual(['searchWorkflows']);
		expect(functionTools.methods?.listSearch?.searchWorkflows).toBe(nodes[1].methods?.listSearch?.searchWorkflows);
		const loadOptions = properties.map((property) => property.typeOptions?.loadOptionsMethod).filter(Boolean);
		expect(loadOptions).toEqual(['getFunctionOptions', 'getFunctionOptions']);
		expect(functionTools.methods?.loadOptions?.getFunctionOptions).toBeInstanceOf(Function);
	});
});
