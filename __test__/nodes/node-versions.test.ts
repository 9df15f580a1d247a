// Saved workflows record each node's typeVersion. Every node lists the versions it still
// understands, so a parameter change ships as a new version (README, "Node versions") and
// the workflows saved with version 1 keep opening and running as they were.
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { INodeType } from 'n8n-workflow';

import { CallFunction } from '../../nodes/CallFunction/CallFunction.node';
import { FunctionTrigger } from '../../nodes/Function/FunctionTrigger.node';
import { FunctionTools } from '../../nodes/FunctionTools/FunctionTools.node';
import { ReturnFromFunction } from '../../nodes/ReturnFromFunction/ReturnFromFunction.node';

const PACKAGE_PREFIX = 'n8n-nodes-functions.';
const nodes: INodeType[] = [new FunctionTrigger(), new CallFunction(), new ReturnFromFunction(), new FunctionTools()];
const repoRoot = path.join(__dirname, '..', '..');

/** The workflow files (examples/grafana-*.json are Grafana dashboards). */
function workflowFiles(): string[] {
	return ['examples', path.join('e2e', 'workflows')].flatMap((dir) =>
		fs
			.readdirSync(path.join(repoRoot, dir))
			.filter((file) => file.endsWith('.json') && !file.startsWith('grafana-'))
			.map((file) => path.join(dir, file)),
	);
}

describe('node versions', () => {
	it.each(nodes.map((node) => [node.description.name, node] as const))('%s lists its versions, version 1 among them', (_name, node) => {
		const { version } = node.description;
		expect(Array.isArray(version)).toBe(true);
		expect(version).toContain(1);
	});

	it('every workflow of examples/ and e2e/workflows/ uses a version its node offers', () => {
		// A node usable as a tool is also offered as n8n's derived "<name>Tool", with the same versions.
		const offered = new Map<string, number[]>(
			nodes.flatMap((node) => {
				const type = `${PACKAGE_PREFIX}${node.description.name}`;
				const versions = [node.description.version].flat();
				return node.description.usableAsTool ? [[type, versions], [`${type}Tool`, versions]] : [[type, versions]];
			}),
		);
		const problems: string[] = [];
		let checked = 0;
		type Workflow = { nodes: Array<{ name: string; type: string; typeVersion: number }> };
		for (const file of workflowFiles()) {
			const json = JSON.parse(fs.readFileSync(path.join(repoRoot, file), 'utf8')) as Workflow | Workflow[];
			const nodesOfFile = [json].flat().flatMap((workflow) => workflow.nodes);
			for (const node of nodesOfFile.filter((candidate) => candidate.type.startsWith(PACKAGE_PREFIX))) {
				checked += 1;
				const versions = offered.get(node.type);
				if (!versions) problems.push(`${file}: node "${node.name}" has unknown type ${node.type}`);
				else if (!versions.includes(node.typeVersion)) problems.push(`${file}: node "${node.name}" is version ${node.typeVersion}; ${node.type} offers ${versions.join(', ')}`);
			}
		}
		expect(problems).toEqual([]);
		expect(checked).toBeGreaterThan(10);
	});
});
