// The migration's report: what became of each old node, the scope every function got and
// who calls it, name collisions with what to rename, and every node that needs attention or
// behaves differently, each with its workflow. As text for people, as JSON for scripts.
import type { Finding, Findings } from './findings';
import type { MigratedWorkflow } from './migrate-workflow';
import { type PlannedFunction, type ScopePlan, functionKey } from './scope-plan';
import { describeWorkflow } from './workflow-json';

export interface MigrationResult {
	input: string;
	checkOnly: boolean;
	/** Where the copies go (or would go). */
	output: string;
	written: string[];
	workflowsGiven: number;
	migrated: MigratedWorkflow[];
	plan: ScopePlan;
	findings: Findings;
}

export interface Collision {
	name: string;
	functions: string[];
	/** --rename flags that would settle it. */
	renames: string[];
}

function slug(text: string): string {
	return text.replace(/[^A-Za-z0-9]+/g, ' ').trim().split(' ').map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('');
}

/** Quotes a flag's value for a shell when it needs quoting. */
function shellWord(text: string): string {
	return /^[A-Za-z0-9_./=:-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}

/** Collisions among would-be global functions, each with renames that settle it: every function but the first gets a name of its own. */
export function collisionsOf(plan: ScopePlan): Collision[] {
	const groups = new Map<string, PlannedFunction[]>();
	for (const fn of plan.functions.filter((candidate) => candidate.collidesWith)) groups.set(fn.newName, [...(groups.get(fn.newName) ?? []), fn]);
	const taken = new Set(plan.functions.map((fn) => fn.newName));
	return [...groups].map(([name, functions]) => {
		// One of this package's global functions keeps the name; otherwise the first old function does.
		const keepsName = functions.length > (functions[0].collidesWith?.length ?? 0) ? functions[0] : undefined;
		const renames = functions
			.filter((fn) => fn !== keepsName)
			.map((fn) => {
				let wanted = `${name}${slug(fn.at.workflow.name ?? '') || fn.at.workflow.id}`;
				for (let n = 2; taken.has(wanted); n++) wanted = `${name}${slug(fn.at.workflow.name ?? '')}${n}`;
				taken.add(wanted);
				return shellWord(`--rename=${functionKey(fn.at.workflow.id ?? '', fn.name)}=${wanted}`);
			});
		const described = functions.map((fn) => `"${fn.name}" of workflow ${describeWorkflow(fn.at.workflow)}`);
		const others = functions[0].collidesWith?.filter((other) => !described.includes(other)) ?? [];
		return { name, functions: [...described, ...others], renames };
	});
}

function callersOf(fn: PlannedFunction) {
	return fn.callers.map((call) => ({ workflowId: call.at.workflow.id ?? '', workflowName: call.at.workflow.name ?? '', node: call.node.name }));
}

export function reportJson(result: MigrationResult) {
	return {
		input: result.input,
		checkOnly: result.checkOnly,
		output: result.output,
		written: result.written,
		workflowsGiven: result.workflowsGiven,
		needsAttention: result.findings.of('attention').length,
		migrated: result.migrated.map((entry) => ({
			workflowId: entry.workflow.id ?? '',
			workflowName: entry.workflow.name ?? '',
			file: entry.source.file,
			nodes: entry.changes,
		})),
		functions: result.plan.functions.map((fn) => ({
			name: fn.newName,
			oldName: fn.name,
			workflowId: fn.at.workflow.id ?? '',
			workflowName: fn.at.workflow.name ?? '',
			node: fn.node.name,
			scope: fn.scope,
			callers: callersOf(fn),
			...(fn.collidesWith ? { collidesWith: fn.collidesWith } : {}),
		})),
		collisions: collisionsOf(result.plan),
		findings: result.findings.all,
	};
}

function findingLines(findings: Finding[]): string[] {
	return findings.map((finding) => `  - workflow "${finding.workflowName}" (${finding.workflowId}), node "${finding.node}": ${finding.message}`);
}

function plural(count: number, word: string): string {
	return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export function reportText(result: MigrationResult): string {
	const lines: string[] = [];
	const attention = result.findings.of('attention');
	const checks = result.findings.of('check');
	lines.push(`Migration from n8n-nodes-function of ${result.input}: ${plural(result.workflowsGiven, 'workflow')} read, ${result.migrated.length} with nodes of n8n-nodes-function.`);
	if (result.checkOnly) lines.push(`--check: nothing written (the migrated copies would go to ${result.output}).`);
	else lines.push(`Written: ${result.written.join(', ') || 'nothing'}`);

	lines.push('', `Functions (${result.plan.functions.length}):`);
	for (const fn of result.plan.functions) {
		const callers = fn.callers.length === 0 ? 'no calls in the workflows given' : `called from ${[...new Set(fn.callers.map((call) => describeWorkflow(call.at.workflow)))].join(', ')}`;
		const renamed = fn.newName === fn.name ? '' : ` (was "${fn.name}")`;
		lines.push(`  - "${fn.newName}"${renamed}: ${fn.scope}, in workflow ${describeWorkflow(fn.at.workflow)}; ${callers}`);
	}
	if (result.plan.functions.length === 0) lines.push('  (none)');

	const collisions = collisionsOf(result.plan);
	if (collisions.length > 0) {
		lines.push('', `Name collisions (${collisions.length}): functions called from other workflows must be global here, and global names unique. Each stays local, and its calls from other workflows need attention, until it has a name of its own:`);
		for (const collision of collisions) {
			lines.push(`  - "${collision.name}": ${collision.functions.join(', ')}.`);
			if (collision.renames.length > 0) lines.push(`    Migrate again with ${collision.renames.join(' ')} (or other names of your choice).`);
		}
	}

	lines.push('', `Migrated nodes:`);
	for (const entry of result.migrated) {
		lines.push(`  workflow ${describeWorkflow(entry.workflow)} (${entry.source.file}):`);
		for (const change of entry.changes) lines.push(`    - "${change.node}": ${change.from} → ${change.to}`);
	}

	lines.push('', `Needs attention (${attention.length})${attention.length ? ': these nodes are left so that n8n marks them and will not publish their workflow until they are fixed' : ''}`);
	lines.push(...findingLines(attention));
	lines.push('', `Check (${checks.length})${checks.length ? ': migrated, but behaving differently in the case described' : ''}`);
	lines.push(...findingLines(checks));
	lines.push('', 'Next: docs/MIGRATION.md in n8n-nodes-functions (import, uninstall n8n-nodes-function, activate).');
	return `${lines.join('\n')}\n`;
}
