// Old Function → this package's Function trigger: the same name (the old node's name, or
// the one --rename gave), description, typed parameters with their defaults as values of
// their type, required; the scope the plan chose.
import type { ParameterSpec } from '../../nodes/shared/addon-types';
import { type ParameterRow, buildFunctionDefinition } from '../../nodes/Function/definition';
import { GuidedError } from '../../nodes/shared/guided-error';
import { addNote } from './attention';
import type { Findings } from './findings';
import { type Installation, ourType } from './node-types';
import { convertDefault } from './parameter-defaults';
import type { PlannedFunction } from './scope-plan';
import type { NodeJson } from './workflow-json';

export interface ConvertedFunction {
	rows: ParameterRow[];
	/** The parameters as our trigger will serve them; undefined when it will refuse the definition. */
	specs?: ParameterSpec[];
	/** Why our trigger will refuse to start, if it will. */
	problems: string[];
	notes: string[];
}

/** The parameter rows our trigger reads, and what our trigger will make of them. */
export function convertDefinition(fn: PlannedFunction): ConvertedFunction {
	const problems: string[] = [];
	const notes: string[] = [];
	const rows = fn.definition.parameters.map((old) => {
		const row: ParameterRow = { name: old.name, type: old.type, required: old.required };
		// The old package checked "required" before applying a default: a required parameter's default never applied.
		if (!old.required) {
			const converted = convertDefault(old.type, old.defaultValue);
			if ('problem' in converted) problems.push(`Parameter "${old.name}": ${converted.problem}.`);
			else if (converted.note) notes.push(`Parameter "${old.name}": ${converted.note}.`);
			if (converted.text !== '') row.defaultValue = converted.text;
		}
		if (old.description.trim() !== '') row.description = old.description;
		return row;
	});
	let specs: ParameterSpec[] | undefined;
	try {
		specs = buildFunctionDefinition({
			functionName: fn.newName,
			functionDescription: fn.definition.description,
			scope: fn.scope,
			parameters: rows,
			nodeName: fn.node.name,
			workflowId: fn.at.workflow.id || 'migration',
			workflowName: fn.at.workflow.name,
		}).parameters;
	} catch (error) {
		if (!(error instanceof GuidedError)) throw error;
		if (problems.length === 0) problems.push(`${error.message}. ${error.description}`);
	}
	return { rows, specs: problems.length === 0 ? specs : undefined, problems, notes };
}

export function convertFunctionNode(fn: PlannedFunction, installation: Installation, findings: Findings): NodeJson {
	const converted = convertDefinition(fn);
	const node: NodeJson = {
		...fn.node,
		type: ourType('functionTrigger', installation),
		typeVersion: 1,
		parameters: {
			functionName: fn.newName,
			functionDescription: fn.definition.description,
			scope: fn.scope,
			parameters: { parameter: converted.rows },
		},
	};
	if (fn.definition.description === '') delete (node.parameters as Record<string, unknown>).functionDescription;
	for (const problem of converted.problems) {
		findings.add('attention', fn.at, node.name, `${problem} Its workflow cannot be activated until this is fixed in the Function trigger.`);
	}
	for (const note of converted.notes) findings.add('check', fn.at, node.name, note);
	if (converted.problems.length > 0) {
		addNote(node, `NEEDS ATTENTION. ${converted.problems.join(' ')}`);
	}
	if (fn.collidesWith) {
		addNote(
			node,
			`local: it is called from other workflows, but ${fn.collidesWith.join(' and ')} would have the same global name. Give it a name of its own (migrate again with --rename), set Scope to Global, and choose it in the callers that need attention.`,
		);
	}
	return node;
}
