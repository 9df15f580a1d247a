/**
 * `n8n-functions migrate` over workflows written in n8n-nodes-function 0.2.1's exact format
 * (old-workflows/: an `n8n export:workflow --all --separate` folder, node types of both
 * prefixes): the migrated JSON is what it should be, every call reaches the function it
 * reached before, and what cannot be migrated exactly is left so that n8n itself marks it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type INodeTypeDescription, NodeHelpers } from 'n8n-workflow';

import { main } from '../../cli/main';
import type { Output } from '../../cli/output';
import type { NodeJson, WorkflowJson } from '../../cli/migrate/workflow-json';
import { CallFunction } from '../../nodes/CallFunction/CallFunction.node';
import { buildFunctionDefinition } from '../../nodes/Function/definition';
import { FunctionTrigger } from '../../nodes/Function/FunctionTrigger.node';
import { ReturnFromFunction } from '../../nodes/ReturnFromFunction/ReturnFromFunction.node';

const FIXTURES = path.join(__dirname, 'old-workflows');

interface Run {
	code: number;
	out: string;
	err: string;
}

async function run(args: string[]): Promise<Run> {
	const out: string[] = [];
	const err: string[] = [];
	const output: Output = { out: (line) => out.push(line), err: (line) => err.push(line), ask: async () => undefined, stop: new AbortController().signal };
	const code = await main(args, output);
	return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A fresh folder holding copies of the fixtures named (all by default), as an export would. */
function exportFolder(files = fs.readdirSync(FIXTURES)): string {
	const folder = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'migrate-')), 'exports');
	fs.mkdirSync(folder);
	for (const file of files) fs.copyFileSync(path.join(FIXTURES, file), path.join(folder, file));
	return folder;
}

function readJson<T = WorkflowJson>(file: string): T {
	return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

function nodeOf(workflow: WorkflowJson, name: string): NodeJson {
	const node = workflow.nodes.find((candidate) => candidate.name === name);
	if (!node) throw new Error(`no node "${name}" in ${workflow.name}: ${workflow.nodes.map((n) => n.name).join(', ')}`);
	return node;
}

const DESCRIPTIONS: Record<string, INodeTypeDescription> = {
	functionTrigger: new FunctionTrigger().description,
	callFunction: new CallFunction().description,
	returnFromFunction: new ReturnFromFunction().description,
};

/** What n8n reports about the node's parameters: it marks the node, refuses to publish and to run it. */
function issuesOf(node: NodeJson): string[] {
	const description = DESCRIPTIONS[node.type.split('.').pop() as string];
	const issues = NodeHelpers.getNodeParametersIssues(description.properties, node as never, description);
	return Object.values(issues?.parameters ?? {}).flat();
}

const GLOBAL = { __rl: true, mode: 'list', value: '__global__', cachedResultName: 'Global Functions' };
const THIS_WORKFLOW = { __rl: true, mode: 'list', value: '__this__', cachedResultName: 'This Workflow' };
const UNSET = { __rl: true, mode: 'list', value: '', cachedResultName: '' };
const fn = (name: string) => ({ __rl: true, mode: 'list', value: name, cachedResultName: name });

function mapperField(id: string, displayName: string, type: string, required = false) {
	return { id, displayName, required, defaultMatch: false, canBeUsedToMatch: false, display: true, type };
}

describe('n8n-functions migrate, an export folder', () => {
	let folder: string;
	let result: Run;
	let migrated: Record<string, WorkflowJson>;
	const original = (file: string) => readJson(path.join(FIXTURES, file));

	beforeAll(async () => {
		folder = exportFolder();
		result = await run(['migrate', folder]);
		migrated = Object.fromEntries(fs.readdirSync(FIXTURES).map((file) => [file.replace('.json', ''), readJson(path.join(`${folder}-migrated`, file))]));
	});

	test('writes the migrated workflows beside the export, with the report, and leaves the export as it was', () => {
		expect(result.err).toBe('');
		expect(result.code).toBe(1); // some nodes need attention
		expect(fs.readdirSync(`${folder}-migrated`).sort()).toEqual(['dates.json', 'defaults.json', 'math.json', 'migration-report.txt', 'orders.json', 'reports.json', 'text.json']);
		expect(fs.readFileSync(path.join(`${folder}-migrated`, 'migration-report.txt'), 'utf8')).toBe(`${result.out}\n`);
		for (const file of fs.readdirSync(FIXTURES)) expect(readJson(path.join(folder, file))).toEqual(original(file));
	});

	test('keeps every node name, position and connection, and every other field of the workflow', () => {
		for (const [name, workflow] of Object.entries(migrated)) {
			const before = original(`${name}.json`);
			const { nodes: _nodes, connections: _connections, ...rest } = before;
			expect(workflow).toMatchObject(rest);
			for (const node of before.nodes) expect(nodeOf(workflow, node.name)).toMatchObject({ id: node.id, position: node.position });
			const codeNodes = workflow.nodes.filter((node) => node.type === 'n8n-nodes-base.code').map((node) => node.name);
			expect(workflow.nodes).toHaveLength(before.nodes.length + codeNodes.length);
			if (codeNodes.length === 0) expect(workflow.connections).toEqual(before.connections);
		}
	});

	test('Function → Function trigger: name, description, typed parameters, defaults as values of their type, required; global when called from another workflow', () => {
		expect(nodeOf(migrated.math, 'add')).toEqual({
			id: '0f5c6a0e-6c1e-4a55-9a43-1b3b1f4a0a01',
			name: 'add',
			type: 'n8n-nodes-functions.functionTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {
				functionName: 'add',
				functionDescription: 'Adds two numbers',
				scope: 'global',
				parameters: {
					parameter: [
						{ name: 'a', type: 'number', required: true, description: 'The first number' },
						{ name: 'b', type: 'number', required: false, defaultValue: '1' },
					],
				},
			},
		});
		// Called only from its own workflow: local. A parameter without a type was a string.
		expect(nodeOf(migrated.math, 'shout').parameters).toEqual({
			functionName: 'shout',
			scope: 'local',
			parameters: { parameter: [{ name: 'n', type: 'string', required: true }] },
		});
	});

	test('every default becomes the text our trigger reads as the value the old package used', () => {
		const trigger = nodeOf(migrated.defaults, 'defaults');
		expect(trigger.parameters).toEqual({
			functionName: 'defaults',
			functionDescription: 'Every kind of default',
			scope: 'local',
			parameters: {
				parameter: [
					{ name: 'text', type: 'string', required: false, defaultValue: '"\\"quoted\\""', description: 'Text in quotes' },
					{ name: 'blank', type: 'string', required: false, defaultValue: '"  "' },
					{ name: 'count', type: 'number', required: false, defaultValue: '42' },
					{ name: 'flag', type: 'boolean', required: false, defaultValue: 'false' },
					{ name: 'opts', type: 'object', required: false, defaultValue: '{"k": 1}' },
					{ name: 'list', type: 'array', required: false, defaultValue: '[1, 2]' },
					{ name: 'must', type: 'string', required: true },
				],
			},
		});
		// Read as our trigger reads them: the values n8n-nodes-function used (Number(" 42 "), "yes" → false, …).
		const definition = buildFunctionDefinition({
			functionName: 'defaults',
			functionDescription: '',
			scope: 'local',
			parameters: (trigger.parameters?.parameters as { parameter: never[] }).parameter,
			nodeName: 'defaults',
			workflowId: 'wfDefaults1',
			workflowName: 'Defaults',
		});
		expect(Object.fromEntries(definition.parameters.map((parameter) => [parameter.name, parameter.default]))).toEqual({
			text: '"quoted"',
			blank: '  ',
			count: 42,
			flag: false,
			opts: { k: 1 },
			list: [1, 2],
			must: undefined,
		});
	});

	test('Call Function → Call Function: the function it reached, arguments in the matching mode, the answer where it went', () => {
		// From another workflow, to a function that became global; Individual → Fields with the declaration's schema; Store Response → field.
		expect(nodeOf(migrated.orders, 'Call add')).toEqual({
			id: '9e0b7a1c-0000-4c3a-8a11-2b2f0c9d0002',
			name: 'Call add',
			type: 'CUSTOM.callFunction',
			typeVersion: 1,
			position: [220, 0],
			parameters: {
				workflow: GLOBAL,
				function: fn('add'),
				parametersMode: 'fields',
				arguments: {
					mappingMode: 'defineBelow',
					value: { a: 2, b: '={{ $json.query.b }}' },
					matchingColumns: [],
					schema: [mapperField('a', 'a (number, required): The first number', 'number', true), mapperField('b', 'b (number, default 1)', 'number')],
					attemptToConvertTypes: false,
					convertFieldsToString: false,
				},
				options: { putResultIn: 'field', resultField: 'total' },
			},
		});
		// JSON Object → JSON (the undeclared key the old package dropped is left out); no Store Response → the item passes through.
		expect(nodeOf(migrated.orders, 'Call add (JSON)').parameters).toEqual({
			workflow: GLOBAL,
			function: fn('add'),
			parametersMode: 'json',
			parametersJson: JSON.stringify({ a: 5 }, null, 2),
			options: { putResultIn: 'nowhere' },
		});
		// Its own workflow's function, which stays local.
		expect(nodeOf(migrated.math, 'Call shout').parameters).toMatchObject({
			workflow: THIS_WORKFLOW,
			function: fn('shout'),
			parametersMode: 'fields',
			arguments: { value: { n: '={{ $json.query.word }}' }, schema: [mapperField('n', 'n (string, required)', 'string', true)] },
			options: { putResultIn: 'field', resultField: 'shouted' },
		});
		// "={{ $workflow.id }}" is the calling workflow; values typed as the editor stores them; placeholders and undeclared parameters left out.
		expect(nodeOf(migrated.defaults, 'Call defaults').parameters).toMatchObject({
			workflow: THIS_WORKFLOW,
			function: fn('defaults'),
			arguments: { value: { text: '42', count: 7, flag: true, opts: '{"k": 2}', list: '[3]', must: 'x' } },
			options: { putResultIn: 'field', resultField: 'result' },
		});
	});

	test('Return from Function: one return becomes a JSON Value expression', () => {
		expect(nodeOf(migrated.math, 'Return sum')).toEqual({
			id: '0f5c6a0e-6c1e-4a55-9a43-1b3b1f4a0a02',
			name: 'Return sum',
			type: 'n8n-nodes-functions.returnFromFunction',
			typeVersion: 1,
			position: [220, 0],
			parameters: { respondWith: 'jsonValue', value: '={{ { sum: $json.a + $json.b } }}' },
		});
		// A value that may be text goes over as its JSON: the node would parse text that reads as JSON.
		expect(nodeOf(migrated.text, 'Return text').parameters).toEqual({ respondWith: 'jsonValue', value: '={{ JSON.stringify(String($json.value).trim()) }}' });
		// No Return Code saved: the old default, "return $json;".
		expect(nodeOf(migrated.defaults, 'Return as is').parameters).toEqual({ respondWith: 'jsonValue', value: '={{ $json }}' });
	});

	test('Return from Function: other code runs in a Code node, once for each item, feeding it', () => {
		const math = migrated.math;
		const code = nodeOf(math, 'Return shout (code)');
		expect(code).toEqual({
			id: expect.stringMatching(/^[0-9a-f-]{36}$/),
			name: 'Return shout (code)',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			position: [220, 460],
			parameters: {
				mode: 'runOnceForEachItem',
				jsCode: [
					'// The Return Code of "Return shout" from n8n-nodes-function, run for each item with the',
					'// variables it had there; "Return shout" returns what it returns.',
					'const returnValue = (function ($json, $binary, $index, $item) {',
					'\t// shout it',
					'\tconst text = String($json.n).toUpperCase();',
					"\treturn { text: text + '!', index: $index, same: $item.json.n === $json.n };",
					'})($json, $input.item.binary, $itemIndex, $input.item);',
					'',
					'return { json: { returnValue, _functionCall: $json._functionCall } };',
				].join('\n'),
			},
			notes: 'Migrated from n8n-nodes-function: the Return Code of "Return shout" (it is more than a single return statement, so no expression computes it).',
			notesInFlow: true,
		});
		expect(nodeOf(math, 'Return shout').parameters).toEqual({ respondWith: 'jsonValue', value: '={{ JSON.stringify($json.returnValue) }}' });
		expect(math.connections).toEqual({
			add: { main: [[{ node: 'Return sum', type: 'main', index: 0 }]] },
			shout: { main: [[{ node: 'Return shout (code)', type: 'main', index: 0 }]] },
			'Return shout (code)': { main: [[{ node: 'Return shout', type: 'main', index: 0 }]] },
			Webhook: { main: [[{ node: 'Call shout', type: 'main', index: 0 }]] },
		});
	});

	test('a name two functions would share globally is reported with what to rename; they stay local and their outside calls need attention', async () => {
		expect(nodeOf(migrated.text, 'format').parameters).toMatchObject({ functionName: 'format', scope: 'local' });
		expect(nodeOf(migrated.dates, 'format').parameters).toMatchObject({ functionName: 'format', scope: 'local' });
		expect(nodeOf(migrated.text, 'format').notes).toContain('would have the same global name');
		for (const name of ['Call format (Text)', 'Call format (Dates)']) {
			expect(nodeOf(migrated.reports, name).parameters).toMatchObject({ workflow: UNSET, function: UNSET });
		}
		expect(result.out).toContain('Name collisions (1)');
		expect(result.out).toContain('  - "format": "format" of workflow "Dates" (wfDates01), "format" of workflow "Text" (wfText01).\n    Migrate again with --rename=wfText01/format=formatText');
	});

	test('n8n marks exactly the nodes left needing attention (and refuses to publish or run their workflows)', () => {
		const marked: string[] = [];
		for (const workflow of Object.values(migrated)) {
			for (const node of workflow.nodes) {
				if (!/\.(functionTrigger|callFunction|returnFromFunction)$/.test(node.type)) continue;
				const issues = issuesOf(node);
				if (issues.length > 0) marked.push(`${workflow.name}/${node.name}: ${issues.join(' ')}`);
			}
		}
		expect(marked.sort()).toEqual([
			'Defaults/Call by expression: Parameter "Workflow" is required. Parameter "Function" is required.',
			'Defaults/Call defaults (wrong): Parameter "Function" is required. \'count\' expects a number but we got \'lots\' Parameter "must" is required',
			'Defaults/Call elsewhere: Parameter "Workflow" is required. Parameter "Function" is required.',
			'Defaults/Return picture: Parameter "Error Message" is required.',
			'Reports/Call format (Dates): Parameter "Workflow" is required. Parameter "Function" is required.',
			'Reports/Call format (Text): Parameter "Workflow" is required. Parameter "Function" is required.',
		]);
		// A default no value of its type: our trigger refuses it when its workflow is activated.
		const broken = nodeOf(migrated.defaults, 'broken');
		expect(() =>
			buildFunctionDefinition({ functionName: 'broken', functionDescription: '', scope: 'local', parameters: (broken.parameters?.parameters as { parameter: never[] }).parameter, nodeName: 'broken', workflowId: 'w', workflowName: 'w' }),
		).toThrow('The default of parameter "limit" is not a number: "lots"');
		// The old Test Trigger is left as it was: with the old package gone, n8n shows it as not installed.
		expect(nodeOf(migrated.defaults, 'Test Trigger').type).toBe('n8n-nodes-function.testTrigger');
	});

	test('every node left needing attention says so on the canvas, and the report lists it with its workflow', async () => {
		const json = JSON.parse((await run(['migrate', folder, '--check', '--json'])).out);
		const attention = json.findings.filter((finding: { level: string }) => finding.level === 'attention');
		expect(attention.map((finding: { workflowName: string; node: string }) => `${finding.workflowName}/${finding.node}`)).toEqual([
			'Defaults/Return picture',
			'Defaults/broken',
			'Defaults/Test Trigger',
			'Defaults/Call defaults (wrong)',
			'Defaults/Call defaults (wrong)',
			'Defaults/Call by expression',
			'Defaults/Call elsewhere',
			'Reports/Call format (Text)',
			'Reports/Call format (Dates)',
		]);
		expect(json.needsAttention).toBe(9);
		for (const finding of attention) {
			const node = nodeOf(migrated[path.basename(finding.file, '.json')], finding.node);
			expect(node.notes).toMatch(/^Migrated from n8n-nodes-function: NEEDS ATTENTION\. /);
			expect(node.notesInFlow).toBe(true);
		}
		expect(attention.find((finding: { node: string }) => finding.node === 'Call by expression').message).toBe(
			'Its workflow is chosen by the expression "{{ $json.workflow }}", so which function it calls is only known when it runs.',
		);
		expect(nodeOf(migrated.defaults, 'Call by expression').notes).toContain('In n8n-nodes-function it called "defaults" of workflow {{ $json.workflow }}.');
		// Its arguments are kept as written: there is no declaration to check them against.
		expect(nodeOf(migrated.defaults, 'Call by expression').parameters?.arguments).toMatchObject({ value: { count: '3' }, schema: [] });
	});

	test('the report lists what was migrated but behaves differently in some case', async () => {
		const json = JSON.parse((await run(['migrate', folder, '--check', '--json'])).out);
		const checks = json.findings.filter((finding: { level: string }) => finding.level === 'check').map((finding: { node: string; message: string }) => `${finding.node}: ${finding.message}`);
		expect(checks).toEqual([
			'defaults: Parameter "flag": its default "yes" was read as false by the old package, and is written as false.',
			expect.stringMatching(/^Return as is: It returns or reads \$json as a whole, straight from the Function trigger\. In n8n-nodes-function a function's items also carried the fields of the item that called it/),
			'Call defaults: "text" gets "42" (string); the old package passed 42.',
			'Call defaults: "count" gets 7 (number); the old package passed "007".',
			'Call defaults: It passes "gone", which the function does not declare: the old package dropped it, and it is left out.',
			'Call shout: "n" is filled by an expression: where it gives text that reads as JSON (such as "42" or "true"), the old package passed the value it reads as (42, true); here a string parameter gets the text as it is.',
			'Call add (JSON): Its Parameters JSON has "extra", which the function does not declare: the old package dropped it (in regular mode), and it is left out here.',
			expect.stringMatching(/^Call format \(Text\): "value" is filled by an expression/),
			expect.stringMatching(/^Call format \(Dates\): "date" is filled by an expression/),
		]);
		expect(json.functions.map((entry: { name: string; workflowId: string; scope: string; callers: unknown[] }) => [entry.name, entry.workflowId, entry.scope, entry.callers.length])).toEqual([
			['format', 'wfDates01', 'local', 1],
			['defaults', 'wfDefaults1', 'local', 2],
			['picture', 'wfDefaults1', 'local', 0],
			['broken', 'wfDefaults1', 'local', 0],
			['add', 'wfMath01', 'global', 2],
			['shout', 'wfMath01', 'local', 1],
			['format', 'wfText01', 'local', 1],
		]);
	});
});

describe('n8n-functions migrate, options and inputs', () => {
	test('--rename gives a colliding function a name of its own: it and its callers follow, nothing needs attention', async () => {
		const folder = exportFolder(['reports.json', 'text.json', 'dates.json']);
		const result = await run(['migrate', folder, '--rename=wfText01/format=formatText']);
		expect(result.code).toBe(0);
		expect(result.out).toContain('"formatText" (was "format"): global, in workflow "Text" (wfText01)');
		const reports = readJson(path.join(`${folder}-migrated`, 'reports.json'));
		expect(nodeOf(reports, 'Call format (Text)').parameters).toMatchObject({ workflow: GLOBAL, function: fn('formatText'), options: { putResultIn: 'nowhere' } });
		expect(nodeOf(reports, 'Call format (Dates)').parameters).toMatchObject({ workflow: GLOBAL, function: fn('format'), options: { putResultIn: 'field', resultField: 'day' } });
		expect(nodeOf(readJson(path.join(`${folder}-migrated`, 'text.json')), 'format').parameters).toMatchObject({ functionName: 'formatText', scope: 'global' });
		expect(nodeOf(readJson(path.join(`${folder}-migrated`, 'dates.json')), 'format').parameters).toMatchObject({ functionName: 'format', scope: 'global' });
		for (const file of ['reports.json', 'text.json', 'dates.json']) {
			for (const node of readJson(path.join(`${folder}-migrated`, file)).nodes) expect(node.notes).toBeUndefined();
		}
	});

	test('--check writes nothing and exits as the migration would', async () => {
		const folder = exportFolder(['math.json', 'orders.json']);
		const result = await run(['migrate', folder, '--check']);
		expect(result.code).toBe(0);
		expect(result.out).toContain(`--check: nothing written (the migrated copies would go to ${folder}-migrated).`);
		expect(fs.existsSync(`${folder}-migrated`)).toBe(false);
	});

	test('never overwrites without --force, and writes nothing when it refuses', async () => {
		const folder = exportFolder(['math.json', 'orders.json']);
		expect((await run(['migrate', folder])).code).toBe(0);
		const report = path.join(`${folder}-migrated`, 'migration-report.txt');
		fs.writeFileSync(report, 'mine');
		const refused = await run(['migrate', folder]);
		expect(refused.code).toBe(2);
		expect(refused.err).toMatch(/math\.json already exists \(and 2 more\): migrate writes beside the input and overwrites nothing unless you add --force/);
		expect(fs.readFileSync(report, 'utf8')).toBe('mine');
		// A non-empty folder of someone else's: n8n import --separate would read it all.
		const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'migrate-out-'));
		fs.writeFileSync(path.join(elsewhere, 'other.json'), '{}');
		expect((await run(['migrate', folder, `--output=${elsewhere}`])).err).toMatch(/is not empty, and n8n import:workflow --separate would read every workflow in it/);
		expect(fs.readdirSync(elsewhere)).toEqual(['other.json']);
		expect((await run(['migrate', folder, '--force'])).code).toBe(0);
		expect(fs.readFileSync(report, 'utf8')).toContain('Migration from n8n-nodes-function');
	});

	test('one file holding an array of workflows: the migrated ones in one array beside it', async () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrate-array-'));
		const file = path.join(dir, 'all.json');
		const unrelated = { id: 'wfPlain', name: 'Plain', nodes: [], connections: {} };
		fs.writeFileSync(file, JSON.stringify([readJson(path.join(FIXTURES, 'math.json')), unrelated, readJson(path.join(FIXTURES, 'orders.json'))]));
		const result = await run(['migrate', file]);
		expect(result.code).toBe(0);
		const copies = readJson<WorkflowJson[]>(path.join(dir, 'all.migrated.json'));
		expect(copies.map((workflow) => workflow.id)).toEqual(['wfMath01', 'wfOrders1']);
		expect(nodeOf(copies[1], 'Call add').parameters).toMatchObject({ workflow: GLOBAL, function: fn('add') });
		expect(fs.readFileSync(path.join(dir, 'all.migrated.report.txt'), 'utf8')).toContain('3 workflows read, 2 with nodes of n8n-nodes-function');
	});

	test('one file holding one workflow: one workflow beside it; a call to another workflow cannot be settled without it', async () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrate-one-'));
		fs.copyFileSync(path.join(FIXTURES, 'orders.json'), path.join(dir, 'orders.json'));
		const result = await run(['migrate', path.join(dir, 'orders.json'), '--output', path.join(dir, 'out.json')]);
		expect(result.code).toBe(1);
		expect(result.out).toContain('It calls "add" of workflow wfMath01, which is not among the workflows given: migrate an export of all workflows');
		expect(Array.isArray(readJson(path.join(dir, 'out.json')))).toBe(false);
		expect(fs.existsSync(path.join(dir, 'out.report.txt'))).toBe(true);
	});

	test('node types follow how the old package was installed, unless --installed-as says', async () => {
		const folder = exportFolder(['math.json', 'orders.json']);
		await run(['migrate', folder]);
		expect(readJson(path.join(`${folder}-migrated`, 'math.json')).nodes.map((node) => node.type)).toEqual([
			'n8n-nodes-functions.functionTrigger',
			'n8n-nodes-functions.returnFromFunction',
			'n8n-nodes-functions.functionTrigger',
			'n8n-nodes-functions.returnFromFunction',
			'n8n-nodes-base.webhook',
			'n8n-nodes-functions.callFunction',
			'n8n-nodes-base.code',
		]);
		expect(readJson(path.join(`${folder}-migrated`, 'orders.json')).nodes.map((node) => node.type)).toEqual(['n8n-nodes-base.webhook', 'CUSTOM.callFunction', 'CUSTOM.callFunction']);
		await run(['migrate', folder, '--installed-as=extension', '--force']);
		expect(readJson(path.join(`${folder}-migrated`, 'math.json')).nodes[0].type).toBe('CUSTOM.functionTrigger');
		await run(['migrate', folder, '--installed-as=package', '--force']);
		expect(readJson(path.join(`${folder}-migrated`, 'orders.json')).nodes[1].type).toBe('n8n-nodes-functions.callFunction');
	});

	test("this package's own nodes are left alone, also as custom extensions named like the old ones", async () => {
		const folder = exportFolder([]);
		const ours: WorkflowJson = {
			id: 'wfOurs',
			name: 'Ours',
			nodes: [
				{ name: 'greet', type: 'CUSTOM.functionTrigger', typeVersion: 1, position: [0, 0], parameters: { scope: 'local' } },
				{ name: 'Return from Function', type: 'CUSTOM.returnFromFunction', typeVersion: 1, position: [200, 0], parameters: {} },
			],
			connections: { greet: { main: [[{ node: 'Return from Function', type: 'main', index: 0 }]] } },
		};
		const old: WorkflowJson = {
			id: 'wfOld',
			name: 'Old',
			nodes: [
				{ name: 'greet', type: 'CUSTOM.function', typeVersion: 1, position: [0, 0], parameters: {} },
				{ name: 'Return from Function', type: 'CUSTOM.returnFromFunction', typeVersion: 1, position: [200, 0], parameters: {} },
			],
			connections: { greet: { main: [[{ node: 'Return from Function', type: 'main', index: 0 }]] } },
		};
		fs.writeFileSync(path.join(folder, 'ours.json'), JSON.stringify(ours));
		fs.writeFileSync(path.join(folder, 'old.json'), JSON.stringify(old));
		const result = await run(['migrate', folder]);
		expect(result.out).toContain('2 workflows read, 1 with nodes of n8n-nodes-function');
		expect(fs.readdirSync(`${folder}-migrated`).sort()).toEqual(['migration-report.txt', 'old.json']);
		expect(readJson(path.join(`${folder}-migrated`, 'old.json')).nodes[1]).toMatchObject({ type: 'CUSTOM.returnFromFunction', parameters: { respondWith: 'jsonValue', value: '={{ $json }}' } });
	});

	test("a global function of this package already among the workflows keeps its name; the old one that would share it needs renaming", async () => {
		const folder = exportFolder(['math.json', 'orders.json']);
		const existing: WorkflowJson = {
			id: 'wfNew',
			name: 'New',
			nodes: [{ name: 'Add numbers', type: 'n8n-nodes-functions.functionTrigger', typeVersion: 1, position: [0, 0], parameters: { functionName: 'add', scope: 'global' } }],
			connections: {},
		};
		fs.writeFileSync(path.join(folder, 'new.json'), JSON.stringify(existing));
		const json = JSON.parse((await run(['migrate', folder, '--check', '--json'])).out);
		expect(json.collisions).toEqual([
			{
				name: 'add',
				functions: ['"add" of workflow "Math" (wfMath01)', 'the global function "add" of workflow "New" (wfNew) (already of this package)'],
				renames: ['--rename=wfMath01/add=addMath'],
			},
		]);
		expect(json.findings.filter((finding: { level: string }) => finding.level === 'attention').map((finding: { node: string }) => finding.node)).toEqual(['Call add', 'Call add (JSON)']);
	});

	test("a caller that the function's workflow settings will refuse is reported", async () => {
		const folder = exportFolder(['orders.json']);
		const math = readJson(path.join(FIXTURES, 'math.json'));
		math.settings = { executionOrder: 'v1', callerPolicy: 'workflowsFromAList', callerIds: 'wfOther' };
		fs.writeFileSync(path.join(folder, 'math.json'), JSON.stringify(math));
		const json = JSON.parse((await run(['migrate', folder, '--check', '--json'])).out);
		expect(json.findings).toContainEqual(
			expect.objectContaining({
				level: 'check',
				node: 'add',
				message: expect.stringMatching(/^Its workflow's setting "This workflow can be called by" is "Selected workflows", and these callers are not among them: calls from "Orders" \(wfOrders1\) will be refused at once/),
			}),
		);
	});

	test('Return Code that behaves differently is reported: fields of the calling item, an array, nothing returned', async () => {
		const folder = exportFolder([]);
		const trigger = (name: string, y: number, parameters: object[]): NodeJson => ({ name, type: 'n8n-nodes-function.function', typeVersion: 1, position: [0, y], parameters: { parameters: { parameter: parameters } } });
		const returns = (name: string, y: number, returnCode: string): NodeJson => ({ name, type: 'n8n-nodes-function.returnFromFunction', typeVersion: 1, position: [200, y], parameters: { returnCode } });
		const to = (node: string) => ({ main: [[{ node, type: 'main', index: 0 }]] });
		const workflow: WorkflowJson = {
			id: 'wfReturns',
			name: 'Returns',
			nodes: [
				trigger('customer', 0, [{ name: 'id', type: 'number' }]),
				returns('Return customer', 0, 'return { id: $json.id, name: $json.customerName };'),
				trigger('pair', 200, []),
				returns('Return pair', 200, 'return [1, 2];'),
				trigger('touch', 400, []),
				returns('Return nothing', 400, '$json.touched = true;'),
				trigger('via set', 600, [{ name: 'id', type: 'number' }]),
				{ name: 'Set', type: 'n8n-nodes-base.set', typeVersion: 3.4, position: [200, 600], parameters: {} },
				returns('Return after set', 600, 'return $json.extra;'),
			],
			connections: { customer: to('Return customer'), pair: to('Return pair'), touch: to('Return nothing'), 'via set': to('Set'), Set: to('Return after set') },
		};
		fs.writeFileSync(path.join(folder, 'returns.json'), JSON.stringify(workflow));
		const json = JSON.parse((await run(['migrate', folder, '--check', '--json'])).out);
		expect(json.findings.map((finding: { node: string; message: string }) => `${finding.node}: ${finding.message}`)).toEqual([
			expect.stringMatching(/^Return customer: It reads \$json\.customerName, which no parameter of the function declares\. In n8n-nodes-function a function's items also carried the fields of the item that called it; here they carry only its parameters\. Pass it as a parameter if it came from the caller\.$/),
			'Return pair: It returns an array: the old package handed its callers an object with the keys "0", "1", …; here they get the array.',
			'Return nothing: Its Return Code returns nothing (undefined): in the old package its callers then waited until they failed after 5 minutes (regular mode) or got no value (queue mode); here they get null at once.',
		]);
	});

	test('the workflow selector as the old node stored it: a resource locator by list, id or link, a plain id, or this workflow by expression', async () => {
		const folder = exportFolder(['math.json']);
		const call = (name: string, workflowId: unknown, more = {}): NodeJson => ({ name, type: 'n8n-nodes-function.callFunction', typeVersion: 1, position: [0, 0], parameters: { workflowId, functionName: 'add', parameterMode: 'json', ...more } });
		const callers: WorkflowJson = {
			id: 'wfCallers',
			name: 'Callers',
			nodes: [
				// Store Response without a Response Variable Name: the old default, "functionResult".
				call('by list', { __rl: true, value: 'wfMath01', mode: 'list', cachedResultName: 'Math' }, { storeResponse: true }),
				call('by id', { __rl: true, value: 'wfMath01', mode: 'id' }),
				call('by link', { __rl: true, value: 'https://n8n.example.com/workflow/wfMath01?x=1', mode: 'url' }),
				call('plain id', 'wfMath01'),
				call('this workflow', '={{ $workflow.id }}'),
			],
			connections: {},
		};
		fs.writeFileSync(path.join(folder, 'callers.json'), JSON.stringify(callers));
		const json = JSON.parse((await run(['migrate', folder, '--json'])).out);
		expect(nodeOf(readJson(path.join(`${folder}-migrated`, 'callers.json')), 'by list').parameters?.options).toEqual({ putResultIn: 'field', resultField: 'functionResult' });
		const add = json.functions.find((entry: { name: string }) => entry.name === 'add');
		expect(add.callers.filter((caller: { workflowId: string }) => caller.workflowId === 'wfCallers').map((caller: { node: string }) => caller.node)).toEqual(['by list', 'by id', 'by link', 'plain id']);
		expect(json.findings).toContainEqual(
			expect.objectContaining({ level: 'attention', node: 'this workflow', message: 'It calls "add" of workflow "Callers" (wfCallers), which has no Function node of that name (the old package failed such calls too).' }),
		);
	});

	test.each([
		[['migrate'], /Name the exported workflows: n8n-functions migrate <folder or file>/],
		[['migrate', '/nonexistent/exports'], /There is no file or folder \/nonexistent\/exports\. Export the workflows first: n8n export:workflow --all --separate/],
		[['migrate', FIXTURES, '--rename=format'], /--rename=format is not <workflow id>\/<function>=<new name>/],
		[['migrate', FIXTURES, '--rename=wfText01/nope=x'], /--rename names wfText01\/nope, which is no function of n8n-nodes-function among the workflows given/],
		[['migrate', FIXTURES, '--installed-as=docker'], /--installed-as is "package" .* or "extension"/],
	])('refuses %j with what to do', async (args, message) => {
		const result = await run(args);
		expect(result.code).toBe(2);
		expect(result.err).toMatch(message);
	});

	test('refuses files that are no workflow export, and two copies of one workflow', async () => {
		const folder = exportFolder(['math.json']);
		fs.writeFileSync(path.join(folder, 'notes.json'), '{"hello": 1}');
		expect((await run(['migrate', folder])).err).toMatch(/notes\.json is not a workflow \(it has no "nodes" list\)/);
		fs.writeFileSync(path.join(folder, 'notes.json'), fs.readFileSync(path.join(FIXTURES, 'math.json')));
		expect((await run(['migrate', folder])).err).toMatch(/Workflow id wfMath01 is in both .*math\.json and .*notes\.json/);
		fs.writeFileSync(path.join(folder, 'notes.json'), '{ broken');
		expect((await run(['migrate', folder])).err).toMatch(/notes\.json is not a workflow export: .*Give the files n8n export:workflow wrote/);
		expect(fs.existsSync(`${folder}-migrated`)).toBe(false);
	});
});
