import * as fs from 'node:fs';
import * as path from 'node:path';

import type { INodeProperties, INodeType } from 'n8n-workflow';

import { CallFunction } from '../../nodes/CallFunction/CallFunction.node';
import { FunctionTrigger } from '../../nodes/Function/FunctionTrigger.node';
import { ReturnFromFunction } from '../../nodes/ReturnFromFunction/ReturnFromFunction.node';

interface WorkflowNode {
	name: string;
	type: string;
	typeVersion: number;
	parameters: Record<string, unknown>;
}

const PACKAGE_PREFIX = 'n8n-nodes-functions.';
const nodeTypes = new Map<string, INodeType>(
	[new FunctionTrigger(), new CallFunction(), new ReturnFromFunction()].map((node) => [node.description.name, node]),
);

function readExample(file: string): { id: string; nodes: WorkflowNode[]; connections: Record<string, unknown> } {
	return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'examples', file), 'utf8'));
}

/** Parameter values the node's description would not accept, e.g. after a rename. */
function unknownParameters(properties: INodeProperties[], parameters: Record<string, unknown>): string[] {
	const problems: string[] = [];
	for (const [name, value] of Object.entries(parameters)) {
		const property = properties.find((candidate) => candidate.name === name);
		if (!property) {
			problems.push(`unknown parameter "${name}"`);
			continue;
		}
		if (property.type === 'options' && !property.options?.some((option) => 'value' in option && option.value === value)) {
			problems.push(`"${name}" has no option ${JSON.stringify(value)}`);
		}
		if (property.type === 'collection' && typeof value === 'object' && value !== null) {
			problems.push(...unknownParameters(property.options as INodeProperties[], value as Record<string, unknown>));
		}
	}
	return problems;
}

describe.each(['function-add.json', 'call-add.json'])('example %s', (file) => {
	const workflow = readExample(file);
	const ours = workflow.nodes.filter((node) => node.type.startsWith(PACKAGE_PREFIX));

	it('uses only node types and parameters the package defines', () => {
		expect(ours.length).toBeGreaterThan(0);
		for (const node of ours) {
			const nodeType = nodeTypes.get(node.type.slice(PACKAGE_PREFIX.length));
			expect(nodeType).toBeDefined();
			expect([nodeType!.description.version].flat()).toContain(node.typeVersion);
			expect(unknownParameters(nodeType!.description.properties, node.parameters)).toEqual([]);
		}
	});

	it('connects only nodes it contains', () => {
		const names = new Set(workflow.nodes.map((node) => node.name));
		for (const [from, outputs] of Object.entries(workflow.connections)) {
			expect(names).toContain(from);
			for (const target of (outputs as { main: Array<Array<{ node: string }>> }).main.flat()) expect(names).toContain(target.node);
		}
	});
});

describe('the two examples together', () => {
	it('call the function the other one defines', () => {
		const trigger = readExample('function-add.json').nodes.find((node) => node.type === `${PACKAGE_PREFIX}functionTrigger`)!;
		const call = readExample('call-add.json').nodes.find((node) => node.type === `${PACKAGE_PREFIX}callFunction`)!;
		expect(trigger.parameters.scope).toBe('global');
		expect(call.parameters.workflow).toMatchObject({ __rl: true, value: '__global__' });
		expect(call.parameters.function).toMatchObject({ __rl: true, value: trigger.parameters.functionName });
	});
});
