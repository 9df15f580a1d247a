// A function's declared parameters as the zod schema of its tool. LangChain turns the schema
// into the JSON schema the model is shown: each parameter's type, description, default, and
// whether it is required. Checking what the model sends is left to the package, as for
// Call Function: the schema lets any input through unchanged, so a wrong type, a missing or
// an unknown parameter reaches the function's own check and its clear error text, which
// goes back to the model as the tool's result.
import type { ParameterSpec } from '../shared/addon-types';

/** The zod schema API this file uses (zod 3, as n8n 2.x ships it); see n8n-ai-modules.ts. */
export interface ZodSchema {
	describe(description: string): ZodSchema;
	optional(): ZodSchema;
	default(value: unknown): ZodSchema;
	refine(check: (value: unknown) => boolean, message?: string): ZodSchema;
}

export interface ZodObjectSchema extends ZodSchema {
	strict(): ZodObjectSchema;
	catch(fallback: (context: { input: unknown }) => unknown): ZodSchema;
}

export interface ZodModule {
	object(shape: Record<string, ZodSchema>): ZodObjectSchema;
	string(): ZodSchema;
	number(): ZodSchema;
	boolean(): ZodSchema;
	unknown(): ZodSchema;
	array(items: ZodSchema): ZodSchema;
	record(values: ZodSchema): ZodSchema;
}

/**
 * The schema of one declared type. "array" and "object" take any elements and values
 * (`items: {}`: OpenAI refuses an array schema without `items`); "any" has no type at all.
 */
function schemaOfType(z: ZodModule, type: string): ZodSchema {
	switch (type) {
		case 'string':
			return z.string();
		case 'number':
			return z.number();
		case 'boolean':
			return z.boolean();
		case 'object':
			return z.record(z.unknown());
		case 'array':
			return z.array(z.unknown());
		default:
			return z.unknown();
	}
}

function schemaOfParameter(z: ZodModule, parameter: ParameterSpec): ZodSchema {
	let schema = schemaOfType(z, parameter.type);
	if (parameter.required) {
		// zod counts a value that may be undefined ("any") as optional unless told otherwise.
		if (parameter.type === 'any') schema = schema.refine((value) => value !== undefined);
	} else if (parameter.default !== undefined && parameter.default !== null) {
		schema = schema.default(parameter.default);
	} else {
		schema = schema.optional();
	}
	const description = parameter.description?.trim();
	return description ? schema.describe(description) : schema;
}

/** The schema of a function's tool: one property per declared parameter, no others. */
export function toolSchemaOf(z: ZodModule, parameters: ParameterSpec[]): ZodSchema {
	const shape = Object.fromEntries(parameters.map((parameter) => [parameter.name, schemaOfParameter(z, parameter)]));
	// Whatever the model sends passes unchanged (or with defaults filled in), to be checked by
	// the package; the shown schema still says which properties exist and which are required.
	return z
		.object(shape)
		.strict()
		.catch(({ input }) => input);
}
