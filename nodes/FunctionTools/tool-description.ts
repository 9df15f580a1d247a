// What the model reads about a function's tool: the function's own description, then its
// signature, e.g. "Formats an amount of money.\n\nSignature: formatPrice(amount: number, currency?: string)".
import { signatureOf } from '../caller/choices';
import type { FunctionInfo } from '../shared/addon-types';

export function signatureLine(info: FunctionInfo): string {
	return `Signature: ${info.name}${signatureOf(info.parameters)}`;
}

export function toolDescriptionOf(info: FunctionInfo): string {
	const description = info.description?.trim();
	return description ? `${description}\n\n${signatureLine(info)}` : signatureLine(info);
}
