// Turns whatever went wrong into the NodeOperationError n8n shows, with what to do.
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { INode } from 'n8n-workflow';

import { helpFor } from './error-help';
import { FunctionsError, errorMessage, toFunctionsError } from './functions-error';

function hasDescription(error: unknown): error is Error & { description: string } {
	return error instanceof Error && typeof (error as { description?: unknown }).description === 'string';
}

export function toNodeError(node: INode, error: unknown, itemIndex?: number): NodeOperationError | NodeApiError {
	if (error instanceof NodeOperationError || error instanceof NodeApiError) return error;
	const mapped = toFunctionsError(error);
	if (mapped instanceof FunctionsError) {
		return new NodeOperationError(node, mapped.message, { description: helpFor(mapped.code), itemIndex });
	}
	// AddonLoadError, GuidedError: errors that carry what to do.
	if (hasDescription(error)) {
		return new NodeOperationError(node, error.message, { description: error.description, itemIndex });
	}
	if (error instanceof Error) return new NodeOperationError(node, error, { itemIndex });
	return new NodeOperationError(node, errorMessage(error), { itemIndex });
}
