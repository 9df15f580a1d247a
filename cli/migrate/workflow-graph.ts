// The connections of a workflow read both ways, and the one change the migration makes to
// them: a node put in front of another (everything that led into it leads into the new node).
import type { ConnectionsJson, WorkflowJson } from './workflow-json';

/** The nodes whose main outputs lead into `name`. */
export function parentsOf(workflow: WorkflowJson, name: string): string[] {
	const parents = new Set<string>();
	for (const [source, byType] of Object.entries(workflow.connections ?? {})) {
		for (const output of byType.main ?? []) {
			if (output?.some((connection) => connection.node === name)) parents.add(source);
		}
	}
	return [...parents];
}

/** `wanted`, or `wanted 2`, `wanted 3`, …: a node name the workflow does not use yet. */
export function unusedNodeName(workflow: WorkflowJson, wanted: string): string {
	const used = new Set(workflow.nodes.map((node) => node.name));
	if (!used.has(wanted)) return wanted;
	for (let n = 2; ; n++) if (!used.has(`${wanted} ${n}`)) return `${wanted} ${n}`;
}

/** Redirects every main connection into `target` to `before`, and connects `before` to `target`. */
export function insertBefore(connections: ConnectionsJson, target: string, before: string): void {
	for (const byType of Object.values(connections)) {
		for (const output of byType.main ?? []) {
			for (const connection of output ?? []) {
				if (connection.node === target) connection.node = before;
			}
		}
	}
	connections[before] = { main: [[{ node: target, type: 'main', index: 0 }]] };
}
