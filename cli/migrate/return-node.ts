// Old Return from Function → this package's Return from Function, answering with what the
// old code returned. One `return <expression>` an n8n expression computes alike becomes its
// JSON Value; any other code runs in a Code node in front of it (once for each item, with
// the variables the old package gave it), whose result it returns. Nothing here evaluates
// the code: it is only read (return-code.ts) and written into the Code node.
import { randomUUID } from 'node:crypto';

import { addNote, leaveForAttention } from './attention';
import type { Findings } from './findings';
import { CODE_NODE_TYPE, CODE_NODE_VERSION, type Installation, ourType } from './node-types';
import { readOldReturnCode } from './old-nodes';
import { type ReturnCodeReading, jsonValueExpression, readReturnCode } from './return-code';
import { type ScopePlan, functionKey } from './scope-plan';
import { insertBefore, parentsOf, unusedNodeName } from './workflow-graph';
import type { NodeJson, SourcedWorkflow } from './workflow-json';

/** The field of the Code node's output that carries the value to return. */
export const RETURN_VALUE_FIELD = 'returnValue';

/** How far below the Return node its Code node is placed on the canvas. */
const CODE_NODE_OFFSET: [number, number] = [0, 160];

export interface ConvertedReturn {
	node: NodeJson;
	/** The Code node put in front of it, when its code needs one. */
	codeNode?: NodeJson;
	/** "expression" or "code": how it answers, for the report. */
	way: 'expression' | 'code';
}

/** The Code node's JavaScript: the old code, run with the variables it had. */
export function codeNodeSource(returnNodeName: string, code: string, reading: ReturnCodeReading): string {
	const names = ['$json', '$binary', '$index', '$item', ...reading.loopNames];
	const values: Record<string, string> = {
		$json: '$json',
		$binary: '$input.item.binary',
		$index: '$itemIndex',
		$item: '$input.item',
		item: '$input.item',
		items: '$input.all()',
		itemIndex: '$itemIndex',
	};
	const body = code
		.split('\n')
		.map((line) => (line.trim() === '' ? '' : `\t${line}`))
		.join('\n');
	return [
		`// The Return Code of "${returnNodeName}" from n8n-nodes-function, run for each item with the`,
		`// variables it had there; "${returnNodeName}" returns what it returns.`,
		`const ${RETURN_VALUE_FIELD} = (function (${names.join(', ')}) {`,
		body,
		`})(${names.map((name) => values[name]).join(', ')});`,
		'',
		`return { json: { ${RETURN_VALUE_FIELD}, _functionCall: $json._functionCall } };`,
	].join('\n');
}

/** Why the code cannot be migrated exactly, if it cannot. */
function attentionReason(code: string, reading: ReturnCodeReading): string | undefined {
	if (code.startsWith('=')) return 'Its Return Code is an n8n expression that computes the code to run, which no node here does.';
	if (reading.unreadable) return `Its Return Code cannot be read (${reading.unreadable}); the old package failed its calls too.`;
	if (reading.readsBinary) return 'Its Return Code reads binary data ($binary, .binary or the whole $item), and binary data does not travel with calls here: a function returns JSON only.';
	if (reading.internals.length > 0) {
		return `Its Return Code reads ${reading.internals.join(', ')}, which it could reach only because the old package ran it with eval inside its own node; a Code node has no such thing.`;
	}
	return undefined;
}

/** Fields of the function's items that the code reads but no upstream Function declares. */
function callerFieldsRead(at: SourcedWorkflow, node: NodeJson, reading: ReturnCodeReading, plan: ScopePlan): string | undefined {
	const functions = parentsOf(at.workflow, node.name).map((name) => plan.functionByKey.get(functionKey(at.workflow.id ?? '', name)));
	if (functions.length === 0 || functions.some((fn) => fn === undefined)) return undefined;
	const declared = new Set(functions.flatMap((fn) => fn?.definition.parameters.map((parameter) => parameter.name) ?? []));
	const undeclared = reading.jsonFields.filter((field) => !declared.has(field) && field !== '_functionCall');
	const lead = 'In n8n-nodes-function a function\'s items also carried the fields of the item that called it; here they carry only its parameters.';
	if (reading.readsWholeJson) return `It returns or reads $json as a whole, straight from the Function trigger. ${lead} Callers now get only the parameters' fields.`;
	if (undeclared.length > 0) {
		return `It reads ${undeclared.map((field) => `$json.${field}`).join(', ')}, which no parameter of the function declares. ${lead} Pass ${undeclared.length === 1 ? 'it' : 'them'} as ${undeclared.length === 1 ? 'a parameter' : 'parameters'} if ${undeclared.length === 1 ? 'it came' : 'they came'} from the caller.`;
	}
	return undefined;
}

export function convertReturnNode(at: SourcedWorkflow, old: NodeJson, plan: ScopePlan, installation: Installation, findings: Findings): ConvertedReturn {
	const code = readOldReturnCode(old);
	const reading = readReturnCode(code);
	const node: NodeJson = { ...old, type: ourType('returnFromFunction', installation), typeVersion: 1, parameters: {} };
	const parameters = node.parameters as Record<string, unknown>;
	const attention = attentionReason(code, reading);

	const callerFields = callerFieldsRead(at, old, reading, plan);
	if (callerFields) findings.add('check', at, old.name, callerFields);
	if (reading.returnsNothing && !attention) {
		findings.add('check', at, old.name, 'Its Return Code returns nothing (undefined): in the old package its callers then waited until they failed after 5 minutes (regular mode) or got no value (queue mode); here they get null at once.');
	}
	if (reading.returnsArrayLiteral) {
		findings.add('check', at, old.name, 'It returns an array: the old package handed its callers an object with the keys "0", "1", …; here they get the array.');
	}

	if (reading.expression !== undefined && !attention) {
		parameters.respondWith = 'jsonValue';
		parameters.value = jsonValueExpression(reading.expression);
		return { node, way: 'expression' };
	}

	const position = old.position ?? [0, 0];
	const codeNode: NodeJson = {
		id: randomUUID(),
		name: unusedNodeName(at.workflow, `${old.name} (code)`),
		type: CODE_NODE_TYPE,
		typeVersion: CODE_NODE_VERSION,
		position: [position[0] + CODE_NODE_OFFSET[0], position[1] + CODE_NODE_OFFSET[1]],
		parameters: { mode: 'runOnceForEachItem', jsCode: codeNodeSource(old.name, code, reading) },
	};
	if (old.disabled) codeNode.disabled = true;
	addNote(codeNode, `the Return Code of "${old.name}" (${reading.whyCode ?? 'it is more than a single return'}, so no expression computes it).`);
	insertBefore(at.workflow.connections, old.name, codeNode.name);

	if (attention) {
		findings.add('attention', at, old.name, attention);
		parameters.respondWith = 'error';
		leaveForAttention(
			node,
			`${attention} Check the Code node "${codeNode.name}" in front of it, then set Return to JSON Value: {{ JSON.stringify($json.${RETURN_VALUE_FIELD}) }}.`,
			(unset) => delete unset.errorMessage,
		);
	} else {
		parameters.respondWith = 'jsonValue';
		parameters.value = `={{ JSON.stringify($json.${RETURN_VALUE_FIELD}) }}`;
	}
	return { node, codeNode, way: 'code' };
}
