import {
	FUNCTION_CALL_FIELD,
	findCallContext,
	fromItemContext,
	isCallContext,
	toItemContext,
	valueWithoutCallContext,
	withCallContext,
	withoutCallContext,
} from '../../nodes/shared/call-context';
import { callContext } from './fixtures';

const sampleContext = callContext();
const itemContext = toItemContext(sampleContext);

describe('the _functionCall field', () => {
	it('reads as a person looks for it: function, call, caller, deadline as a time, run; the rest packed for the nodes', () => {
		const context = { ...sampleContext, parent: { executionId: '12', workflowId: 'wfCaller' }, attempt: 2, runner: 'caller:host:1:ab' };
		const shown = toItemContext(context);
		expect(shown).toEqual({
			function: '__global__/add',
			callId: 'call-1',
			caller: { executionId: '12', workflowId: 'wfCaller' },
			deadline: '2023-11-14T22:13:20.000Z',
			attempt: 2,
			route: expect.any(String),
		});
		expect(JSON.stringify(shown)).not.toMatch(/reply:call-1|1-0|caller:host/);
		expect(fromItemContext(shown)).toEqual(context);
	});

	it('is recognised only when complete', () => {
		expect(isCallContext(itemContext)).toBe(true);
		expect(isCallContext({ ...itemContext, callId: undefined })).toBe(false);
		expect(isCallContext({ ...itemContext, route: 'not a route' })).toBe(false);
		expect(isCallContext({ ...itemContext, deadline: 'soon' })).toBe(false);
		expect(isCallContext('call-1')).toBe(false);
		expect(isCallContext(null)).toBe(false);
	});

	it('is found on the first item carrying it', () => {
		const items = [{ json: { a: 1 } }, { json: { a: 2, [FUNCTION_CALL_FIELD]: itemContext } }];
		expect(findCallContext(items as never)).toEqual(sampleContext);
		expect(findCallContext([{ json: { a: 1 } }])).toBeUndefined();
	});

	it('is stripped without touching the other fields or the original', () => {
		const json = { a: 1, b: 'x', [FUNCTION_CALL_FIELD]: itemContext };
		expect(withoutCallContext(json as never)).toEqual({ a: 1, b: 'x' });
		expect(json).toHaveProperty(FUNCTION_CALL_FIELD);
	});

	it('is stripped from a returned object or from the objects of a returned array', () => {
		expect(valueWithoutCallContext({ sum: 3, [FUNCTION_CALL_FIELD]: itemContext })).toEqual({ sum: 3 });
		expect(valueWithoutCallContext([{ x: 1, [FUNCTION_CALL_FIELD]: itemContext }, 5])).toEqual([{ x: 1 }, 5]);
		expect(valueWithoutCallContext('text')).toBe('text');
	});

	it('is added back only when there is one', () => {
		expect(withCallContext({ a: 1 }, undefined)).toEqual({ a: 1 });
		expect(withCallContext({ a: 1 }, sampleContext)).toEqual({ a: 1, [FUNCTION_CALL_FIELD]: itemContext });
	});
});
