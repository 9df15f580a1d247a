import { functionChoices, functionLabel, signatureOf, workflowChoices } from '../../nodes/caller/choices';
import { fieldLabel, toMapperFields } from '../../nodes/CallFunction/mapper-fields';
import { resolveTarget } from '../../nodes/CallFunction/target';
import type { FunctionInfo } from '../../nodes/shared/addon-types';

function info(partial: Partial<FunctionInfo> & Pick<FunctionInfo, 'name' | 'scope'>): FunctionInfo {
	return {
		key: `${partial.scope}/${partial.name}`,
		description: '',
		parameters: [],
		workflowId: partial.scope === '__global__' ? 'wfG' : partial.scope,
		workflowName: '',
		nodeName: partial.name,
		maxAttempts: 3,
		live: true,
		callerPolicy: 'workflowsFromSameOwner',
		...partial,
	};
}

const registered = [
	info({ name: 'add', scope: '__global__', workflowName: 'Math' }),
	info({ name: 'mul', scope: '__global__', workflowName: 'Math' }),
	info({ name: 'lookup', scope: 'wfCRM', workflowName: 'CRM helpers' }),
	info({ name: 'helper', scope: 'wfMe', workflowName: 'Current' }),
	info({ name: 'audit', scope: 'wfA', workflowName: 'Audit' }),
];

describe('the Workflow dropdown', () => {
	it('lists global functions and this workflow only: other workflows\' local functions are private', () => {
		expect(workflowChoices(registered, { id: 'wfMe', name: 'Current' })).toEqual([
			{ name: 'Global Functions', value: '__global__', description: '2 functions' },
			{ name: 'This Workflow (Current)', value: '__this__', description: '1 function' },
		]);
	});

	it('keeps the fixed entries even when nothing is registered', () => {
		expect(workflowChoices([], {}).map((c) => c.value)).toEqual(['__global__', '__this__']);
	});

	it('filters by name, ignoring case', () => {
		expect(workflowChoices(registered, { id: 'wfMe' }, 'GLOBAL').map((c) => c.name)).toEqual(['Global Functions']);
	});
});

describe('the Function dropdown', () => {
	it('shows each function with its signature and description, marking functions no trigger serves as inactive', () => {
		const choices = functionChoices([
			info({
				name: 'sum',
				scope: '__global__',
				live: false,
				description: 'Adds',
				parameters: [
					{ name: 'a', type: 'number', required: true },
					{ name: 'b', type: 'number' },
				],
			}),
			info({ name: 'avg', scope: '__global__' }),
		]);
		expect(choices).toEqual([
			{ name: 'avg()', value: 'avg', description: '' },
			{ name: 'sum(a: number, b?: number) (inactive) – Adds', value: 'sum', description: 'Adds' },
		]);
	});

	it('writes a signature with optional parameters marked', () => {
		expect(signatureOf([{ name: 'q', type: 'string', required: true }, { name: 'n', type: 'any' }])).toBe('(q: string, n?: any)');
	});

	it('shows a long description on one line, cut off', () => {
		const description = `Looks up a customer\nby id. ${'Very '.repeat(30)}long.`;
		const label = functionLabel(info({ name: 'lookup', scope: '__global__', description }));
		expect(label).toMatch(/^lookup\(\) – Looks up a customer by id\. Very Very .*…$/);
		expect(label.length).toBeLessThan('lookup() – '.length + 81);
	});

	it('finds functions by name or description', () => {
		const functions = [info({ name: 'add', scope: '__global__', description: 'Sum of two numbers' }), info({ name: 'mul', scope: '__global__' })];
		expect(functionChoices(functions, 'SUM').map((c) => c.value)).toEqual(['add']);
		expect(functionChoices(functions, 'mu').map((c) => c.value)).toEqual(['mul']);
	});
});

describe('the Parameters fields', () => {
	it('have one field per declared parameter, typed, with its required flag', () => {
		expect(
			toMapperFields([
				{ name: 'a', type: 'number', required: true },
				{ name: 'opts', type: 'object' },
				{ name: 'x', type: 'any' },
			]).map(({ displayName, ...field }) => field),
		).toEqual([
			{ id: 'a', required: true, defaultMatch: false, canBeUsedToMatch: false, display: true, type: 'number' },
			{ id: 'opts', required: false, defaultMatch: false, canBeUsedToMatch: false, display: true, type: 'object' },
			{ id: 'x', required: false, defaultMatch: false, canBeUsedToMatch: false, display: true },
		]);
	});

	it('are labelled with the type, required or default, and the description', () => {
		expect(
			[
				{ name: 'amount', type: 'number', required: true, description: 'The amount, e.g. 12.5' },
				{ name: 'currency', type: 'string', default: 'EUR', description: ' ISO 4217 code ' },
				{ name: 'options', type: 'object', default: { round: true } },
				{ name: 'note', type: 'any' },
			].map(fieldLabel),
		).toEqual([
			'amount (number, required): The amount, e.g. 12.5',
			'currency (string, default "EUR"): ISO 4217 code',
			'options (object, default {"round":true})',
			'note (any, optional)',
		]);
	});
});

describe('which function a Call Function node calls', () => {
	it('resolves "This Workflow" to the running workflow and keeps the global scope', () => {
		expect(resolveTarget('__this__', 'helper', 'wfMe')).toEqual({ scope: 'wfMe', name: 'helper' });
		expect(resolveTarget('wfMe', 'helper', 'wfMe')).toEqual({ scope: 'wfMe', name: 'helper' });
		expect(resolveTarget('__global__', ' add ', 'wfMe')).toEqual({ scope: '__global__', name: 'add' });
	});

	it('refuses another workflow\'s local function, saying how to share it', () => {
		expect(() => resolveTarget('wfCRM', 'lookup', 'wfMe')).toThrow('Function "lookup" of workflow wfCRM is local to that workflow');
	});

	it('says what is missing', () => {
		expect(() => resolveTarget('', 'add', 'wfMe')).toThrow('No workflow chosen for the function');
		expect(() => resolveTarget('__global__', '', 'wfMe')).toThrow('No function chosen');
		expect(() => resolveTarget('__this__', 'helper', undefined)).toThrow('This workflow has no id yet');
	});
});
