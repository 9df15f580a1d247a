// Values cross to Rust as JSON, which has no NaN or Infinity: the addon would refuse them
// with a bare conversion error, so nodes find them first and name where they are.

/** The path of the first NaN/Infinity inside `value` (e.g. "items[2].price"), or undefined. */
export function findNonFiniteNumber(value: unknown, path = ''): string | undefined {
	if (typeof value === 'number') return Number.isFinite(value) ? undefined : path || '(the value itself)';
	if (Array.isArray(value)) {
		for (let index = 0; index < value.length; index++) {
			const found = findNonFiniteNumber(value[index], `${path}[${index}]`);
			if (found) return found;
		}
		return undefined;
	}
	if (typeof value === 'object' && value !== null) {
		for (const [key, inner] of Object.entries(value)) {
			const found = findNonFiniteNumber(inner, path ? `${path}.${key}` : key);
			if (found) return found;
		}
	}
	return undefined;
}
