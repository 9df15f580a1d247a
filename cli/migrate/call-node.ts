// Old Call Function → this package's Call Function: the function the plan found (its own
// workflow's, or a global one), the arguments in the matching mode, and the answer where the
// old node put it: into the field "Response Variable Name", or nowhere (the item passes
// through unchanged).
import { GLOBAL_SCOPE, THIS_WORKFLOW } from '../../nodes/shared/scope';
import { leaveForAttention } from './attention';
import { convertArguments } from './call-arguments';
import type { Findings } from './findings';
import { convertDefinition } from './function-node';
import { type Installation, ourType } from './node-types';
import type { PlannedCall } from './scope-plan';
import type { NodeJson } from './workflow-json';

function locator(value: string, cachedResultName: string) {
	return { __rl: true, mode: 'list', value, cachedResultName };
}

const THIS_WORKFLOW_CHOICE = locator(THIS_WORKFLOW, 'This Workflow');
const GLOBAL_CHOICE = locator(GLOBAL_SCOPE, 'Global Functions');

function resultOptions(call: PlannedCall): Record<string, unknown> {
	const field = call.old.responseVariableName;
	// The old node stored the answer only when asked and given a field name; otherwise the item passed through.
	if (call.old.storeResponse && field.trim() !== '') return { putResultIn: 'field', resultField: field };
	return { putResultIn: 'nowhere' };
}

export function convertCallNode(call: PlannedCall, installation: Installation, findings: Findings): NodeJson {
	const target = call.target;
	const sameWorkflow = target !== undefined && target.at === call.at;
	const workflow = target === undefined ? locator('', '') : target.scope === 'global' ? GLOBAL_CHOICE : sameWorkflow ? THIS_WORKFLOW_CHOICE : locator('', '');
	const specs = target ? convertDefinition(target).specs : undefined;
	const args = convertArguments(call.old, specs);
	const node: NodeJson = {
		...call.node,
		type: ourType('callFunction', installation),
		typeVersion: 1,
		parameters: {
			workflow,
			function: locator(target?.newName ?? '', target?.newName ?? ''),
			...args.parameters,
			options: resultOptions(call),
		},
	};

	const problems = [...(call.problem ? [`${capitalized(call.problem)}.`] : []), ...args.problems];
	if (target && !specs && !call.problem) {
		problems.push(`The function it calls, "${target.name}" of workflow ${target.at.workflow.name ?? target.at.workflow.id}, needs attention itself (see its Function trigger), so its parameters are not known.`);
	}
	for (const difference of args.differences) findings.add('check', call.at, node.name, difference);
	if (problems.length > 0) {
		// The old target, unless the problem already names it.
		const what = !target ? ` ${describeOldTarget(call)}` : call.problem ? '' : ` It called "${target.name}" of workflow "${target.at.workflow.name ?? ''}" (${target.at.workflow.id ?? ''}).`;
		for (const problem of problems) findings.add('attention', call.at, node.name, problem);
		leaveForAttention(node, `${problems.join(' ')}${what} Choose the function in "Function" once this is settled.`, (parameters) => {
			parameters.function = locator('', '');
		});
	}
	return node;
}

function capitalized(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}

/** What the old node's target said, for a note when it could not be resolved. */
function describeOldTarget(call: PlannedCall): string {
	const raw = call.old.workflow as { value?: unknown; cachedResultName?: unknown } | string | undefined;
	const value = String((typeof raw === 'object' && raw !== null ? raw.value : raw) ?? '').replace(/^=/, '');
	const name = typeof raw === 'object' && raw !== null && raw.cachedResultName ? ` ("${String(raw.cachedResultName)}")` : '';
	return `In n8n-nodes-function it called ${JSON.stringify(call.old.functionName.replace(/^=/, ''))} of workflow ${value ? `${value}${name}` : '(none chosen)'}.`;
}
