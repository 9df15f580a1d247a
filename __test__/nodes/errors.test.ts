import * as vm from 'node:vm';

import { NodeOperationError } from 'n8n-workflow';
import type { INode } from 'n8n-workflow';

import { loadAddon } from '../../nodes/shared/addon';
import { FUNCTIONS_ERROR_CODES, FunctionsError, toFunctionsError, withFunctionsErrors } from '../../nodes/shared/functions-error';
import { GuidedError } from '../../nodes/shared/guided-error';
import { toNodeError } from '../../nodes/shared/node-error';

const node: INode = {
	id: '1',
	name: 'Call Function',
	type: 'n8n-nodes-functions.callFunction',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** An error as the addon throws it: its message, and the engine's code as \`code\`. */
function addonError(code: string, message: string): Error {
	return Object.assign(new Error(message), { code });
}

describe('addon errors', () => {
	it('become a FunctionsError with their code and message', () => {
		const mapped = toFunctionsError(addonError('FUNCTION_INACTIVE', 'The function "add" of workflow "Math" is not running'));
		expect(mapped).toBeInstanceOf(FunctionsError);
		expect((mapped as FunctionsError).code).toBe('FUNCTION_INACTIVE');
		expect((mapped as FunctionsError).message).toBe('The function "add" of workflow "Math" is not running');
	});

	it('keep a multi-line message whole', () => {
		const mapped = toFunctionsError(addonError('FUNCTION_FAILED', 'first line\nsecond line')) as FunctionsError;
		expect(mapped.message).toBe('first line\nsecond line');
	});

	it('leave errors without a known code untouched', () => {
		const plain = new Error('Something: else');
		expect(toFunctionsError(plain)).toBe(plain);
		const unknownCode = addonError('NOT_A_CODE', 'text');
		expect(toFunctionsError(unknownCode)).toBe(unknownCode);
		const napiStatus = addonError('InvalidArg', 'expect String, got Number');
		expect(toFunctionsError(napiStatus)).toBe(napiStatus);
	});

	it("are mapped also when made in another realm (the addon's errors, as jest's sandbox sees them)", () => {
		const foreign: unknown = vm.runInNewContext('Object.assign(new Error("no answer within 30 s"), { code: "CALL_TIMEOUT" })');
		expect(foreign instanceof Error).toBe(false);
		expect(toFunctionsError(foreign)).toMatchObject({ code: 'CALL_TIMEOUT', message: 'no answer within 30 s' });
		expect(toNodeError(node, vm.runInNewContext('new Error("not coded")')).message).toBe('not coded');
	});

	it('are mapped when a promise rejects', async () => {
		await expect(withFunctionsErrors(Promise.reject(addonError('CALL_TIMEOUT', 'no answer within 30 s')))).rejects.toMatchObject({
			code: 'CALL_TIMEOUT',
			message: 'no answer within 30 s',
		});
	});

	it('carry the codes the addon knows, no more and no fewer', () => {
		expect([...FUNCTIONS_ERROR_CODES].sort()).toEqual(loadAddon().errorCodes().sort());
	});

	it('come from the addon with their code', async () => {
		const { FunctionsClient } = loadAddon();
		const client = new FunctionsClient({ keyPrefix: 'errors-test:' });
		await expect(client.call({ scope: '__global__', name: 'nowhere', items: [{}] })).rejects.toMatchObject({
			code: 'FUNCTION_NOT_FOUND',
			message: expect.stringMatching(/^No global function 'nowhere' is defined/),
		});
		expect(() => client.begin({ scope: '__global__', name: '', items: [{}] })).toThrow(
			expect.objectContaining({ code: 'INVALID_ARGUMENTS', message: expect.stringMatching(/^The function name is empty/) }),
		);
	});
});

describe('node errors', () => {
	it('tell what to do about an inactive function', () => {
		const error = toNodeError(node, addonError('FUNCTION_INACTIVE', 'The function "add" (workflow "Math") is not running'));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('The function "add" (workflow "Math") is not running');
		expect(error.description).toMatch(/Activate the workflow named in the message/);
	});

	it('name the Redis settings when Redis is unavailable', () => {
		const error = toNodeError(node, addonError('REDIS_UNAVAILABLE', 'cannot reach redis://10.0.0.1:6379/0 (from QUEUE_BULL_REDIS_*)'));
		expect(error.description).toMatch(/Functions Redis credential/);
		expect(error.description).toMatch(/QUEUE_BULL_REDIS_/);
	});

	it('keep the description of a guided error and the item index', () => {
		const error = toNodeError(node, new GuidedError('No function chosen', 'Choose in "Function" which function to call.'), 3);
		expect(error.message).toBe('No function chosen');
		expect(error.description).toBe('Choose in "Function" which function to call.');
		expect((error as NodeOperationError).context.itemIndex).toBe(3);
	});

	it('pass node errors through unchanged', () => {
		const original = new NodeOperationError(node, 'already a node error');
		expect(toNodeError(node, original)).toBe(original);
	});
});
