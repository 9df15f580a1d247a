// How a migrated node tells its story on the canvas, and how one that could not be migrated
// exactly is left: with a required parameter unset, which n8n marks on the node, refuses to
// publish ("Cannot publish workflow: … Missing or invalid required parameters") and refuses
// to run; and a note, shown under the node, saying what it did before and what to do.
import type { NodeJson } from './workflow-json';

export const NOTE_PREFIX = 'Migrated from n8n-nodes-function';

/** Adds a note shown under the node on the canvas, after any note it had. */
export function addNote(node: NodeJson, text: string): void {
	const note = `${NOTE_PREFIX}: ${text}`;
	node.notes = node.notes ? `${node.notes}\n\n${note}` : note;
	node.notesInFlow = true;
}

/**
 * Leaves `node` needing attention: `unset` clears the required parameters n8n checks, and
 * the note says why and what to do.
 */
export function leaveForAttention(node: NodeJson, why: string, unset: (parameters: Record<string, unknown>) => void): void {
	unset((node.parameters ??= {}));
	addNote(node, `NEEDS ATTENTION. ${why}`);
}
