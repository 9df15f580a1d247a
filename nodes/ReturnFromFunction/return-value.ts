// The value Return from Function hands back: the incoming items' json, or its "JSON Value".
import type { INodeExecutionData } from 'n8n-workflow';

import { valueWithoutCallContext, withoutCallContext } from '../shared/call-context';
import { GuidedError } from '../shared/guided-error';
import { findNonFiniteNumber } from '../shared/json-safe';

/** One item → its json; several → an array of their json; none → null. Never the call context. */
export function valueFromIncomingItems(items: INodeExecutionData[]): unknown {
	const jsons = items.map((item) => withoutCallContext(item.json));
	if (jsons.length === 0) return null;
	return jsons.length === 1 ? jsons[0] : jsons;
}

/**
 * The "JSON Value" parameter as a value. n8n hands an expression's result as it is, and
 * JSON typed in the field as text: text is parsed, except an expression's text result,
 * which stays text when it is not JSON.
 */
export function valueFromJsonParameter(raw: unknown, isExpression: boolean): unknown {
	if (typeof raw !== 'string') return valueWithoutCallContext(raw ?? null);
	try {
		return valueWithoutCallContext(JSON.parse(raw) as unknown);
	} catch {
		if (isExpression) return raw;
		throw new GuidedError(
			'"JSON Value" is not valid JSON',
			'Write valid JSON, e.g. {"sum": 5}, or an expression such as {{ { sum: $json.a + $json.b } }}.',
		);
	}
}

/** Refuses NaN and Infinity in the value to return (JSON cannot carry them), saying where. */
export function assertReturnable(value: unknown): unknown {
	const path = findNonFiniteNumber(value);
	if (path) {
		throw new GuidedError(
			`The value to return contains NaN or Infinity at ${path}`,
			'An expression produced NaN or Infinity, e.g. arithmetic on text or a missing field. Fix the expression or return null there.',
		);
	}
	return value;
}
