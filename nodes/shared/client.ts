// The nodes' way to the addon: one client per connection setting per process, every
// call's rejection turned into a FunctionsError.
import type { FunctionsBase } from 'n8n-workflow';

import { loadAddon } from './addon';
import type {
	CallContext,
	CallRequest,
	CallerIdentity,
	AnswerKind,
	CallStep,
	ClientOptions,
	ExecutionRef,
	FunctionDefinition,
	FunctionInfo,
	FunctionsClient,
	IncomingCall,
	OutgoingCall,
	ParkedCaller,
	ParkedWork,
	RedisCredential,
	RunHere,
	ServedFunction,
	StartOutcome,
	StoredAnswer,
} from './addon-types';
import { readOptionalCredential } from './credential';
import { toFunctionsError, withFunctionsErrors } from './functions-error';
import { startMetrics } from './metrics/start-metrics';

/** A function being served; see ServedFunction in index.d.ts. */
export class Served {
	constructor(private readonly raw: ServedFunction) {}

	get key(): string {
		return this.raw.key;
	}

	async next(): Promise<IncomingCall[]> {
		return await withFunctionsErrors(this.raw.next());
	}

	async finished(context: CallContext, error?: string): Promise<boolean> {
		return await withFunctionsErrors(this.raw.finished(context, error));
	}

	/** The call's execution parked; false when the call has its answer already. */
	async parked(context: CallContext): Promise<boolean> {
		return await withFunctionsErrors(this.raw.parked(context));
	}

	/** Callers to wake and parked executions to stop; [] once closed. */
	async nextParked(): Promise<ParkedWork[]> {
		return await withFunctionsErrors(this.raw.nextParked());
	}

	async resumed(resumes: ParkedWork[]): Promise<void> {
		await withFunctionsErrors(this.raw.resumed(resumes));
	}

	async close(deactivated?: boolean): Promise<void> {
		await withFunctionsErrors(this.raw.close(deactivated));
	}
}

/** A call this process may be asked to run itself; see OutgoingCall in index.d.ts. */
export class Outgoing {
	constructor(private readonly raw: OutgoingCall) {}

	async next(): Promise<CallStep> {
		return await withFunctionsErrors(this.raw.next());
	}

	async ran(error?: string): Promise<CallStep> {
		return await withFunctionsErrors(this.raw.ran(error));
	}

	/** The run handed out parked (its `execution` waits). */
	async ranParked(execution?: ExecutionRef): Promise<CallStep> {
		return await withFunctionsErrors(this.raw.ranParked(execution));
	}

	/** Parks the caller until the answer; false when the call has its answer already. */
	async park(caller: ParkedCaller): Promise<boolean> {
		return await withFunctionsErrors(this.raw.park(caller));
	}

	/** Waits for the answer holding this slot; `reason`: why the caller cannot park. */
	async waitInPlace(reason: string): Promise<CallStep> {
		return await withFunctionsErrors(this.raw.waitInPlace(reason));
	}

	/** The caller was stopped: the call stops waiting, and is answered with that. */
	stop(): void {
		this.raw.stop();
	}

	/** The call as its caller records it, once sent. */
	get context(): CallContext | undefined {
		return this.raw.context ?? undefined;
	}

	/** The function's execution that answered, once the call has its answer. */
	answeredBy(): ExecutionRef | undefined {
		return this.raw.answeredBy ?? undefined;
	}
}

/** One connection setting's client; see FunctionsClient in index.d.ts. */
export class Functions {
	constructor(private readonly raw: FunctionsClient) {}

	/** "memory" or "redis". */
	get backend(): string {
		return this.raw.backend;
	}

	/** Where calls travel and which setting chose it, without secrets. */
	get address(): string {
		return this.raw.address;
	}

	async serve(definition: FunctionDefinition): Promise<Served> {
		return new Served(await withFunctionsErrors(this.raw.serve(definition)));
	}

	async call(request: CallRequest): Promise<unknown> {
		return (await withFunctionsErrors(this.raw.call(request))) as unknown;
	}

	begin(request: CallRequest, runHere?: RunHere): Outgoing {
		try {
			return new Outgoing(this.raw.begin(request, runHere));
		} catch (error) {
			throw toFunctionsError(error);
		}
	}

	/** `execution`: the n8n execution starting the call, recorded for when it parks. */
	async start(context: CallContext, execution?: ExecutionRef): Promise<StartOutcome> {
		return (await withFunctionsErrors(this.raw.start(context, execution))) as StartOutcome;
	}

	/** `execution`: the function's execution giving the answer, for the caller to link to. */
	async respond(context: CallContext, value: unknown, execution?: ExecutionRef): Promise<boolean> {
		return await withFunctionsErrors(this.raw.respond(context, value, execution));
	}

	async fail(context: CallContext, message: string, execution?: ExecutionRef): Promise<boolean> {
		return await withFunctionsErrors(this.raw.fail(context, message, execution));
	}

	/** The call's stored answer: its value, or its error (see storedAnswer in index.d.ts). */
	async storedAnswer(context: CallContext): Promise<StoredAnswer | null> {
		return await withFunctionsErrors(this.raw.storedAnswer(context));
	}

	/** How the call was answered, if it was (see answerOf in index.d.ts). */
	async answerOf(context: CallContext): Promise<AnswerKind | null> {
		return (await withFunctionsErrors(this.raw.answerOf(context))) as AnswerKind | null;
	}

	/** With `caller`, only the functions whose caller policy lets it call them. */
	async list(scope?: string, caller?: CallerIdentity): Promise<FunctionInfo[]> {
		return await withFunctionsErrors(this.raw.list(scope, caller));
	}

	async describe(scope: string, name: string): Promise<FunctionInfo | null> {
		return await withFunctionsErrors(this.raw.describe(scope, name));
	}
}

const clients = new Map<string, Functions>();

/** Tests only: what the environment would otherwise decide (see resetClients). */
let settingsForTests: Pick<ClientOptions, 'url' | 'keyPrefix'> = {};

/**
 * Tests only: forgets the clients made so far; the next ones use this Redis URL (instead of
 * N8N_FUNCTIONS_REDIS_URL) and key prefix (instead of N8N_FUNCTIONS_KEY_PREFIX). Jest gives
 * every test file a copy of process.env that the addon never sees.
 */
export function resetClients(settings: Pick<ClientOptions, 'url' | 'keyPrefix'> = {}): void {
	clients.clear();
	settingsForTests = { ...settings };
}

function clientOptions(credential: RedisCredential | undefined): ClientOptions {
	const { url, keyPrefix } = settingsForTests;
	const options: ClientOptions = credential ? { credential } : url ? { url } : {};
	if (keyPrefix) options.keyPrefix = keyPrefix;
	return options;
}

/** A new client, not cached (credential tests); throws AddonLoadError or FunctionsError. */
export function createFunctions(credential?: RedisCredential): Functions {
	const addon = loadAddon();
	startMetrics(addon); // before the first engine: engines made earlier count nothing
	const { FunctionsClient } = addon;
	try {
		return new Functions(new FunctionsClient(clientOptions(credential)));
	} catch (error) {
		throw toFunctionsError(error);
	}
}

/** The process's client for this connection setting (undefined: from the environment). */
export function functionsFor(credential?: RedisCredential): Functions {
	const key = JSON.stringify(credential ?? null);
	let functions = clients.get(key);
	if (!functions) {
		functions = createFunctions(credential);
		clients.set(key, functions);
	}
	return functions;
}

/** The client for the node running in `context`, honouring its optional credential. */
export async function getFunctions(context: FunctionsBase): Promise<Functions> {
	return functionsFor(await readOptionalCredential(context));
}
