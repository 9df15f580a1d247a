// Call Function's output: the value a function returned, as items ("Output Items"), merged
// into the input item ("Field of Input Item"), or left out, the input item passing through
// ("Nowhere"). Output never carries the callee's
// call context; an outer call's context on an input item is kept, so a function that
// calls another can still return.
import type { IDataObject, INodeExecutionData, IPairedItemData, NodeApiError, NodeOperationError } from 'n8n-workflow';

import { readCallContext, valueWithoutCallContext, withCallContext, withoutCallContext } from '../shared/call-context';

export type ResultPlacement = { kind: 'outputItems' } | { kind: 'field'; field: string } | { kind: 'nowhere' };

function isPlainObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Like Execute Workflow: an array → one item per element, an object → one item, else {value}. */
export function valueToJsonItems(value: unknown): IDataObject[] {
	const elements = Array.isArray(value) ? value : [value];
	return elements.map((element) =>
		isPlainObject(element) ? withoutCallContext(element) : { value: element as IDataObject[string] },
	);
}

/** The output of one input item's call. */
export function outputForItem(
	input: INodeExecutionData,
	index: number,
	value: unknown,
	placement: ResultPlacement,
): INodeExecutionData[] {
	const pairedItem: IPairedItemData = { item: index };
	if (placement.kind === 'field') {
		return [mergeIntoField(input, value, placement.field, pairedItem)];
	}
	if (placement.kind === 'nowhere') return [passedThrough(input, pairedItem)];
	const outer = readCallContext(input.json);
	return valueToJsonItems(value).map((json) => ({ json: withCallContext(json, outer), pairedItem }));
}

/** The input item as it came, for "Nowhere": the call ran for its effects. */
function passedThrough(input: INodeExecutionData, pairedItem: IPairedItemData): INodeExecutionData {
	const item: INodeExecutionData = { json: input.json, pairedItem };
	if (input.binary) item.binary = input.binary;
	return item;
}

function mergeIntoField(
	input: INodeExecutionData,
	value: unknown,
	field: string,
	pairedItem: IPairedItemData | IPairedItemData[],
): INodeExecutionData {
	const json: IDataObject = { ...input.json, [field]: valueWithoutCallContext(value) as IDataObject[string] };
	const item: INodeExecutionData = { json, pairedItem };
	if (input.binary) item.binary = input.binary;
	return item;
}

/**
 * The output of one call made with all input items. "Output Items": an array with one
 * element per input item pairs element i with item i; otherwise every output item pairs
 * with all inputs. "Field of Input Item": every input item gets the whole value. "Nowhere":
 * the input items pass through.
 */
export function outputForBatch(
	inputs: INodeExecutionData[],
	value: unknown,
	placement: ResultPlacement,
): INodeExecutionData[] {
	if (placement.kind === 'field') {
		return inputs.map((input, index) => mergeIntoField(input, value, placement.field, { item: index }));
	}
	if (placement.kind === 'nowhere') return inputs.map((input, index) => passedThrough(input, { item: index }));
	const jsons = valueToJsonItems(value);
	const oneToOne = Array.isArray(value) && value.length === inputs.length;
	const allInputs: IPairedItemData[] = inputs.map((_, index) => ({ item: index }));
	const firstOuter = inputs.map((input) => readCallContext(input.json)).find(Boolean);
	return jsons.map((json, index) => {
		const outer = oneToOne ? readCallContext(inputs[index].json) : firstOuter;
		return {
			json: withCallContext(json, outer),
			pairedItem: oneToOne ? { item: index } : allInputs,
		};
	});
}

/** continueOnFail(): the error as an item, keeping the input's outer call context. */
export function errorItem(
	input: INodeExecutionData | undefined,
	index: number,
	error: NodeOperationError | NodeApiError,
): INodeExecutionData {
	const json = withCallContext({ error: error.message }, readCallContext(input?.json));
	return { json, error, pairedItem: { item: index } };
}
