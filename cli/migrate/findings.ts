// What the migration has to tell about a node: that it is left needing attention (it could
// not be migrated exactly), or that it was migrated but behaves differently in some case.
import type { WorkflowJson } from './workflow-json';

export type FindingLevel = 'attention' | 'check';

export interface Finding {
	level: FindingLevel;
	workflowId: string;
	workflowName: string;
	file: string;
	node: string;
	message: string;
}

export class Findings {
	readonly all: Finding[] = [];

	add(level: FindingLevel, at: { workflow: WorkflowJson; file: string }, node: string, message: string): void {
		this.all.push({
			level,
			workflowId: at.workflow.id ?? '',
			workflowName: at.workflow.name ?? '',
			file: at.file,
			node,
			message,
		});
	}

	of(level: FindingLevel): Finding[] {
		return this.all.filter((finding) => finding.level === level);
	}
}
