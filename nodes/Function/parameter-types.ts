// The types a function's parameter can declare (the addon's ParameterSpec.type).

export const PARAMETER_TYPES = ['string', 'number', 'boolean', 'object', 'array', 'any'] as const;

export type ParameterType = (typeof PARAMETER_TYPES)[number];

export function isParameterType(value: unknown): value is ParameterType {
	return typeof value === 'string' && (PARAMETER_TYPES as readonly string[]).includes(value);
}

/** "a number", "an object", …: for messages. */
export function withArticle(type: ParameterType): string {
	if (type === 'any') return 'any value';
	return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
