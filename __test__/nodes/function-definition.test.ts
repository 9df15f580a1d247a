import { buildFunctionDefinition, type FunctionTriggerSettings } from '../../nodes/Function/definition';
import { parseParameterDefault } from '../../nodes/Function/parameter-default';

describe('parameter defaults typed in the Function trigger', () => {
	it('are no default when empty', () => {
		expect(parseParameterDefault('b', 'number', '')).toBeUndefined();
		expect(parseParameterDefault('b', 'number', '   ')).toBeUndefined();
		expect(parseParameterDefault('b', 'number', undefined)).toBeUndefined();
	});

	it('are read per type', () => {
		expect(parseParameterDefault('n', 'number', ' 1.5 ')).toBe(1.5);
		expect(parseParameterDefault('f', 'boolean', 'TRUE')).toBe(true);
		expect(parseParameterDefault('f', 'boolean', 'false')).toBe(false);
		expect(parseParameterDefault('o', 'object', '{"k": [1]}')).toEqual({ k: [1] });
		expect(parseParameterDefault('a', 'array', '[1, "x"]')).toEqual([1, 'x']);
		expect(parseParameterDefault('s', 'string', 'plain text')).toBe('plain text');
		expect(parseParameterDefault('s', 'string', '"  padded  "')).toBe('  padded  ');
		expect(parseParameterDefault('x', 'any', '{"k": 1}')).toEqual({ k: 1 });
		expect(parseParameterDefault('x', 'any', 'not json')).toBe('not json');
	});

	it('fail naming the parameter and the type when they do not fit', () => {
		expect(() => parseParameterDefault('limit', 'number', 'ten')).toThrow(/"limit" is not a number/);
		expect(() => parseParameterDefault('flag', 'boolean', 'yes')).toThrow(/"flag" is not a boolean/);
		expect(() => parseParameterDefault('opts', 'object', '[1]')).toThrow(/"opts" is not an object/);
		expect(() => parseParameterDefault('list', 'array', '{"a":1}')).toThrow(/"list" is not an array/);
	});
});

describe('the function definition', () => {
	const base: FunctionTriggerSettings = {
		functionName: '',
		functionDescription: '',
		scope: 'local',
		parameters: [],
		nodeName: 'add',
		workflowId: 'wf1',
		workflowName: 'Math',
	};

	it("uses the node's name when the function name is empty, and the workflow id as local scope", () => {
		expect(buildFunctionDefinition(base)).toEqual({
			name: 'add',
			scope: 'wf1',
			parameters: [],
			workflowId: 'wf1',
			workflowName: 'Math',
			nodeName: 'add',
		});
	});

	it('is global under __global__ and keeps its declared parameters', () => {
		const definition = buildFunctionDefinition({
			...base,
			functionName: ' sum ',
			functionDescription: 'Adds two numbers',
			scope: 'global',
			parameters: [
				{ name: 'a', type: 'number', required: true },
				{ name: 'b', type: 'number', required: false, defaultValue: '1', description: 'second' },
			],
		});
		expect(definition.name).toBe('sum');
		expect(definition.scope).toBe('__global__');
		expect(definition.description).toBe('Adds two numbers');
		expect(definition.parameters).toEqual([
			{ name: 'a', type: 'number', required: true },
			{ name: 'b', type: 'number', required: false, default: 1, description: 'second' },
		]);
	});

	it('ignores a default left on a required parameter (the editor hides it)', () => {
		const definition = buildFunctionDefinition({
			...base,
			parameters: [{ name: 'a', type: 'number', required: true, defaultValue: 'not a number' }],
		});
		expect(definition.parameters[0]).not.toHaveProperty('default');
	});

	it('refuses duplicate, empty and reserved parameter names', () => {
		const twice = [{ name: 'a' }, { name: 'a' }];
		expect(() => buildFunctionDefinition({ ...base, parameters: twice })).toThrow(/declares the parameter "a" twice/);
		expect(() => buildFunctionDefinition({ ...base, parameters: [{ name: ' ' }] })).toThrow(/Parameter 1 has no name/);
		expect(() => buildFunctionDefinition({ ...base, parameters: [{ name: '_functionCall' }] })).toThrow(/cannot be a parameter name/);
	});

	it('needs a saved workflow', () => {
		expect(() => buildFunctionDefinition({ ...base, workflowId: undefined })).toThrow(/has no workflow id/);
	});
});
