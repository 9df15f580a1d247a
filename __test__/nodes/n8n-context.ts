// Stand-ins for n8n's node execution contexts (n8n itself runs only in the e2e tier), the
// three nodes run through them, and the nodes' real addon client under a key prefix of the
// test's own, in memory or in the local Redis.
import { randomUUID } from 'node:crypto';

import type {
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	IRun,
	ITaskMetadata,
	ITriggerFunctions,
	ITriggerResponse,
	NodeExecutionHint,
} from 'n8n-workflow';

import { CallFunction } from '../../nodes/CallFunction/CallFunction.node';
import { FunctionTrigger } from '../../nodes/Function/FunctionTrigger.node';
import { ReturnFromFunction } from '../../nodes/ReturnFromFunction/ReturnFromFunction.node';
import { type Functions, functionsFor, resetClients } from '../../nodes/shared/client';
import { REDIS_URL } from '../support/addon';

export const GLOBAL = '__global__';
export const TRIGGER_TYPE = 'n8n-nodes-functions.functionTrigger';

export type Backend = 'memory' | 'redis';

export interface Deferred<T> {
	promise: Promise<T>;
	resolve(value: T): void;
	reject(reason: unknown): void;
}

/** What n8n's helpers.createDeferredPromise hands out. */
export function createDeferredPromise<T>(): Deferred<T> {
	let resolve!: (value: T) => void;
	let reject!: (reason: unknown) => void;
	const promise = new Promise<T>((res, rej) => {
		resolve = res;
		reject = rej;
	});
	return { promise, resolve, reject };
}

export const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };

export function node(name: string, type: string, parameters: Record<string, unknown> = {}): INode {
	return { id: name, name, type, typeVersion: 1, position: [0, 0], parameters: parameters as INode['parameters'] };
}

export interface Workflow {
	id: string;
	name: string;
}

const running = new Set<RunningFunction>();

/**
 * Every test of the calling file: the nodes' client talks to `backend` under a key prefix no
 * other test uses, and Function triggers still running at the end are stopped.
 */
export function useBackend(backend: Backend): void {
	beforeEach(() => {
		const keyPrefix = `test:${randomUUID().slice(0, 8)}:`;
		resetClients(backend === 'redis' ? { url: REDIS_URL, keyPrefix } : { keyPrefix });
	});
	afterEach(async () => {
		await Promise.all([...running].map((trigger) => trigger.close()));
	});
	afterAll(() => resetClients());
}

/** The client the nodes use right now (the same instance). */
export function functions(): Functions {
	return functionsFor();
}

// ---- Function trigger ----------------------------------------------------------------

/** One execution the trigger started: its items and the promise n8n settles when it ends. */
export interface Emission {
	items: INodeExecutionData[];
	done: Deferred<IRun>;
}

type Emit = (data: INodeExecutionData[][], response: unknown, done: Deferred<IRun>) => void;

export interface TriggerSetup {
	parameters?: Record<string, unknown>;
	mode?: 'trigger' | 'manual';
	engineType?: 'v1' | 'v2';
	workflow?: Workflow;
	nodeName?: string;
	/** The workflow's settings besides its engine (its caller policy: callerPolicy, callerIds). */
	settings?: Record<string, unknown>;
	/** The project owning the workflow, as n8n puts it on the context (default PROJECT). */
	projectId?: string;
	logger?: Record<'debug' | 'info' | 'warn' | 'error', (message?: string) => void>;
}

/** The project every test workflow belongs to unless it says otherwise. */
export const PROJECT = 'project-1';

/** A workflow of that project calling through the client, as Call Function does. */
export const CALLER = { workflowId: 'wfCaller', workflowName: 'Caller', projectId: PROJECT };

/** The "add" function of workflow "Math": a (number, required), b (number, default 1). */
export const ADD_PARAMETERS = {
	functionName: 'add',
	functionDescription: 'Adds two numbers',
	scope: 'global',
	'parameters.parameter': [
		{ name: 'a', type: 'number', required: true },
		{ name: 'b', type: 'number', required: false, defaultValue: '1' },
	],
};

/** A Function trigger node as n8n runs it; records what it emits. */
export class RunningFunction {
	readonly emissions: Emission[] = [];
	readonly triggerErrors: unknown[] = [];
	readonly node: INode;
	readonly context: ITriggerFunctions & { emit: Emit };
	response: ITriggerResponse | undefined;
	private readonly waiting: Array<() => void> = [];

	constructor(setup: TriggerSetup = {}) {
		const parameters: Record<string, unknown> = { ...ADD_PARAMETERS, ...setup.parameters };
		const workflow = setup.workflow ?? { id: 'wfMath', name: 'Math' };
		this.node = node(setup.nodeName ?? 'add', TRIGGER_TYPE);
		const context = {
			getNode: () => this.node,
			getWorkflow: () => ({ ...workflow, active: true }),
			getWorkflowSettings: () => ({ engineType: setup.engineType, ...setup.settings }),
			additionalData: { projectId: setup.projectId ?? PROJECT },
			getNodeParameter: (name: string, fallback?: unknown) => (name in parameters ? parameters[name] : fallback),
			getMode: () => setup.mode ?? 'trigger',
			getCredentials: async () => {
				throw new Error('this node has no credential');
			},
			logger: setup.logger ?? silentLogger,
			helpers: { createDeferredPromise },
			emit: ((data, _response, done) => this.record({ items: data[0], done })) as Emit,
			emitError: (error: unknown) => this.triggerErrors.push(error),
		};
		this.context = context as unknown as ITriggerFunctions & { emit: Emit };
	}

	async start(): Promise<this> {
		this.response = await new FunctionTrigger().trigger.call(this.context);
		running.add(this);
		return this;
	}

	/** The index-th execution started (0 = the first), once the trigger has emitted it. */
	async emission(index = 0): Promise<Emission> {
		while (this.emissions.length <= index) await new Promise<void>((resolve) => this.waiting.push(resolve));
		return this.emissions[index];
	}

	/** n8n's closeFunction: the workflow is deactivated. */
	async close(): Promise<void> {
		running.delete(this);
		await this.response?.closeFunction?.();
	}

	record(emission: Emission): void {
		this.emissions.push(emission);
		for (const wake of this.waiting.splice(0)) wake();
	}
}

/** A Function trigger, started (activated). */
export async function startFunction(setup: TriggerSetup = {}): Promise<RunningFunction> {
	return await new RunningFunction(setup).start();
}

/** The run n8n settles emit's done promise with. */
export function run(status: IRun['status'], error?: { message: string; node: string }): IRun {
	const resultData: IDataObject = { runData: {} };
	if (error) resultData.error = { message: error.message, node: { name: error.node } };
	return { status, data: { resultData }, mode: 'trigger', startedAt: new Date(), storedAt: 'db' } as unknown as IRun;
}

/** The function's execution is over (n8n settles the trigger's done promise). */
export function finish(emission: Emission, result: IRun = run('success')): void {
	emission.done.resolve(result);
}

/** Like an Edit Fields node that keeps _functionCall: { sum: a + b } per item. */
export function sums(items: INodeExecutionData[]): INodeExecutionData[] {
	return items.map(({ json }) => ({
		json: { sum: (json.a as number) + (json.b as number), _functionCall: json._functionCall },
	}));
}

// ---- Call Function and Return from Function ------------------------------------------

type Parameters = Record<string, unknown>;

interface ExecuteSetup {
	node: INode;
	items: INodeExecutionData[];
	mode?: 'trigger' | 'manual' | 'integrated';
	/** A value, or a function of the item index for what n8n evaluates per item. */
	parameters: Parameters;
	workflow?: Workflow;
	continueOnFail?: boolean;
	/** Nodes before this one, with the first item each output in this execution (none: it did not run). */
	upstream?: Array<{ node: INode; first?: INodeExecutionData }>;
	executionId?: string;
	recorded?: Recorded;
	/** The workflow's connections, as node name → the nodes it connects to (the Function node's graph). */
	graph?: Record<string, INode[]>;
	/** The nodes of the workflow version that runs (n8n's internal `this.workflow`). */
	runningNodes?: INode[];
	/** The project owning the workflow (default PROJECT). */
	projectId?: string;
}

function executeContext(setup: ExecuteSetup): IExecuteFunctions {
	const workflow = setup.workflow ?? { id: 'wfCaller', name: 'Caller' };
	const upstream = setup.upstream ?? [];
	return {
		getInputData: () => setup.items,
		getNode: () => setup.node,
		getWorkflow: () => ({ ...workflow, active: true }),
		getWorkflowSettings: () => ({}),
		getNodeParameter: (name: string, index: number, fallback?: unknown) => {
			const value = setup.parameters[name];
			if (value === undefined) return fallback;
			return typeof value === 'function' ? (value as (i: number) => unknown)(index) : value;
		},
		continueOnFail: () => setup.continueOnFail ?? false,
		getParentNodes: (name: string) =>
			setup.graph
				? ancestorsIn(setup.graph, name)
				: upstream.map(({ node: parent }) => ({ name: parent.name, type: parent.type, typeVersion: parent.typeVersion })),
		getChildNodes: (name: string) => (setup.graph ? descendantsIn(setup.graph, name) : []),
		getWorkflowDataProxy: () => ({
			$: (name: string) => ({
				first: () => {
					const first = upstream.find((entry) => entry.node.name === name)?.first;
					if (!first) throw new Error(`Node '${name}' hasn't been executed`);
					return first;
				},
			}),
		}),
		getCredentials: async () => {
			throw new Error('this node has no credential');
		},
		getMode: () => setup.mode ?? 'trigger',
		getExecutionId: () => setup.executionId ?? 'exec1',
		setMetadata: (metadata: ITaskMetadata) => Object.assign(setup.recorded?.metadata ?? {}, metadata),
		addExecutionHints: (...hints: NodeExecutionHint[]) => setup.recorded?.hints.push(...hints),
		onExecutionCancellation: (handler: () => unknown) => setup.recorded?.onCancel.push(handler),
		onExecutionFinish: (handler: () => unknown) => setup.recorded?.onFinish.push(handler),
		logger: silentLogger,
		additionalData: { projectId: setup.projectId ?? PROJECT },
		...(setup.runningNodes && { workflow: { getNode: (name: string) => setup.runningNodes?.find((n) => n.name === name) ?? null } }),
	} as unknown as IExecuteFunctions;
}

/** Every node downstream of `name` (n8n's getChildNodes). */
function descendantsIn(graph: Record<string, INode[]>, name: string, seen = new Set<string>()): INode[] {
	const out: INode[] = [];
	for (const child of graph[name] ?? []) {
		if (seen.has(child.name)) continue;
		seen.add(child.name);
		out.push(child, ...descendantsIn(graph, child.name, seen));
	}
	return out;
}

/** Every node upstream of `name` (n8n's getParentNodes). */
function ancestorsIn(graph: Record<string, INode[]>, name: string): INode[] {
	const byName = new Map(Object.values(graph).flat().map((node) => [node.name, node]));
	const parents = (child: string) => Object.keys(graph).filter((parent) => graph[parent].some((node) => node.name === child));
	const out = new Map<string, INode>();
	const visit = (child: string) => {
		for (const parent of parents(child)) {
			if (out.has(parent)) continue;
			out.set(parent, byName.get(parent) ?? node(parent, TRIGGER_TYPE));
			visit(parent);
		}
	};
	visit(name);
	return [...out.values()];
}

/** What a node's execute() told n8n besides its output. */
export interface Recorded {
	metadata: ITaskMetadata;
	hints: NodeExecutionHint[];
	onCancel: Array<() => unknown>;
	onFinish: Array<() => unknown>;
}

function recorder(): Recorded {
	return { metadata: {}, hints: [], onCancel: [], onFinish: [] };
}

export interface FunctionStepSetup {
	/** The execution's input: a call's items, or none ([{json: {}}], the editor's test run). */
	items?: INodeExecutionData[];
	mode?: 'trigger' | 'manual' | 'integrated';
	parameters?: Record<string, unknown>;
	/** The function's workflow after the Function node (default: add → Return from Function). */
	graph?: Record<string, INode[]>;
	/** The Function node's parameters in the workflow version that runs (default: as the trigger had them). */
	runningParameters?: Record<string, unknown>;
}

export const RETURN_TYPE = 'n8n-nodes-functions.returnFromFunction';

/** Runs the Function node as the first node of an execution (its execute()). */
export function functionStep(setup: FunctionStepSetup = {}): { output: Promise<INodeExecutionData[]>; recorded: Recorded } {
	const recorded = recorder();
	const context = executeContext({
		items: setup.items ?? [{ json: {} }],
		mode: setup.mode,
		node: node('add', TRIGGER_TYPE),
		parameters: { ...ADD_PARAMETERS, ...setup.parameters },
		workflow: { id: 'wfMath', name: 'Math' },
		recorded,
		graph: setup.graph ?? { add: [node('Return from Function', RETURN_TYPE)] },
		runningNodes: setup.runningParameters && [node('add', TRIGGER_TYPE, setup.runningParameters)],
	});
	const output = new FunctionTrigger().execute.call(context).then(([items]) => items);
	return { output, recorded };
}

export interface CallSetup {
	items: INodeExecutionData[];
	/** Over the defaults: the global function "add", arguments as JSON, one call per item. */
	parameters?: Parameters;
	workflow?: Workflow;
	continueOnFail?: boolean;
	/** The project owning the calling workflow (default PROJECT). */
	projectId?: string;
}

/** Runs a Call Function node and resolves with its output. */
export async function callFunction(setup: CallSetup): Promise<INodeExecutionData[]> {
	const parameters: Parameters = {
		workflow: GLOBAL,
		function: 'add',
		parametersMode: 'json',
		mode: 'each',
		options: {},
		...setup.parameters,
	};
	const context = executeContext({ ...setup, node: node('Call Function', 'n8n-nodes-functions.callFunction'), parameters });
	const [output] = await new CallFunction().execute.call(context);
	return output;
}

export interface ReturnSetup {
	items: INodeExecutionData[];
	parameters?: Parameters;
	/** The "JSON Value" parameter as written in the editor (an expression starts with "="). */
	rawValue?: string;
	continueOnFail?: boolean;
	/** Function triggers upstream (besides an Edit Fields node), with their first output item. */
	triggers?: Record<string, INodeExecutionData | undefined>;
}

/** Runs a Return from Function node and resolves with its output. */
export async function returnFromFunction(setup: ReturnSetup): Promise<INodeExecutionData[]> {
	const upstream = [
		{ node: node('Edit Fields', 'n8n-nodes-base.set') },
		...Object.entries(setup.triggers ?? {}).map(([name, first]) => ({ node: node(name, TRIGGER_TYPE), first })),
	];
	const context = executeContext({
		items: setup.items,
		parameters: setup.parameters ?? {},
		continueOnFail: setup.continueOnFail,
		node: node('Return from Function', 'n8n-nodes-functions.returnFromFunction', setup.rawValue ? { value: setup.rawValue } : {}),
		upstream,
	});
	const [output] = await new ReturnFromFunction().execute.call(context);
	return output;
}

/** A promise's outcome, so a test can look at a rejection later without an unhandled rejection. */
export type Outcome<T> = { value: T } | { error: Error & { description?: string } };

export function outcome<T>(promise: Promise<T>): Promise<Outcome<T>> {
	return promise.then(
		(value) => ({ value }),
		(error: Error) => ({ error }),
	);
}
