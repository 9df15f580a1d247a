import {
	FUNCTION_CALL_FIELD,
	findCallContext,
	isCallContext,
	valueWithoutCallContext,
	withCallContext,
	withoutCallContext,
} from '../../nodes/shared/call-context';
import { callContext } from './fixtures';

const sampleContext = callContext();

describe('the _functionCall field', () => {
	it('is recognised only when complete', () => {
		expect(isCallContext(sampleContext)).toBe(true);
		expect(isCallContext({ ...sampleContext, callId: undefined })).toBe(false);
		expect(isCallContext('call-1')).toBe(false);
		expect(isCallContext(null)).toBe(false);
	});

	it('is found on the first item carrying it', () => {
		const items = [{ json: { a: 1 } }, { json: { a: 2, [FUNCTION_CALL_FIELD]: sampleContext } }];
		expect(findCallContext(items as never)).toEqual(sampleContext);
		expect(findCallContext([{ json: { a: 1 } }])).toBeUndefined();
	});

	it('is stripped without touching the other fields or the original', () => {
		const json = { a: 1, b: 'x', [FUNCTION_CALL_FIELD]: sampleContext };
		expect(withoutCallContext(json as never)).toEqual({ a: 1, b: 'x' });
		expect(json).toHaveProperty(FUNCTION_CALL_FIELD);
	});

	it('is stripped from a returned object or from the objects of a returned array', () => {
		expect(valueWithoutCallContext({ sum: 3, [FUNCTION_CALL_FIELD]: sampleContext })).toEqual({ sum: 3 });
		expect(valueWithoutCallContext([{ x: 1, [FUNCTION_CALL_FIELD]: sampleContext }, 5])).toEqual([{ x: 1 }, 5]);
		expect(valueWithoutCallContext('text')).toBe('text');
	});

	it('is added back only when there is one', () => {
		expect(withCallContext({ a: 1 }, undefined)).toEqual({ a: 1 });
		expect(withCallContext({ a: 1 }, sampleContext)).toEqual({ a: 1, [FUNCTION_CALL_FIELD]: sampleContext });
	});
});
