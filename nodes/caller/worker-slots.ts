// How many execution slots of this n8n process may wait for other processes to run their
// calls. Every execution holds one of its process's slots, a Call Function waiting for its
// answer too; the function's execution needs a slot of its own. If every slot held a
// waiting caller, no function could start and nothing would ever be answered. So at most
// (slots - 1) of them wait on other processes, and calls from the others run here, in the
// caller's slot, as n8n runs a sub-workflow. See docs/ARCHITECTURE.md, "Where a call runs".
import { AsyncLocalStorage } from 'node:async_hooks';

import type { RunHere } from '../shared/addon-types';

/** n8n's `worker --concurrency` default. */
export const DEFAULT_WORKER_CONCURRENCY = 10;

/** No limit: the process holds no slot a function's execution needs. */
export const UNLIMITED = 2 ** 31 - 1;

type Env = Record<string, string | undefined>;

/** `--concurrency=N` or `--concurrency N` among the process's arguments. */
function concurrencyFlag(argv: readonly string[]): number | undefined {
	for (let index = 0; index < argv.length; index++) {
		const [flag, inline] = argv[index].split('=', 2);
		if (flag !== '--concurrency') continue;
		const value = Number(inline ?? argv[index + 1]);
		if (Number.isInteger(value) && value > 0) return value;
	}
	return undefined;
}

/** N8N_CONCURRENCY_PRODUCTION_LIMIT, when set to a limit (-1, its default, means none). */
function productionLimit(env: Env): number | undefined {
	const value = Number(env.N8N_CONCURRENCY_PRODUCTION_LIMIT);
	return Number.isInteger(value) && value > 0 ? value : undefined;
}

/** Whether this process is an n8n worker (`n8n worker`). */
function isWorker(argv: readonly string[]): boolean {
	return argv.slice(2).some((arg) => arg === 'worker');
}

/**
 * How many executions of this process may run at once, as n8n decides it: a worker's
 * concurrency (N8N_CONCURRENCY_PRODUCTION_LIMIT wins over --concurrency, as in n8n's
 * worker command); a regular-mode process's production limit. Undefined when unlimited.
 */
export function executionSlots(argv: readonly string[] = process.argv, env: Env = process.env): number | undefined {
	if (isWorker(argv)) return productionLimit(env) ?? concurrencyFlag(argv) ?? DEFAULT_WORKER_CONCURRENCY;
	// Queue mode's main process runs only manual executions, which hold no worker slot.
	if (env.EXECUTIONS_MODE === 'queue') return undefined;
	return productionLimit(env);
}

/** How many slots may wait on other processes: all but one. */
export function remoteLimit(argv: readonly string[] = process.argv, env: Env = process.env): number {
	const slots = executionSlots(argv, env);
	return slots === undefined ? UNLIMITED : Math.max(slots - 1, 0);
}

/**
 * The slot of the running call: a function run here runs inside its caller's slot, so
 * calls it makes count for that slot (n8n gives the sub-execution an id of its own).
 */
const slotOfRun = new AsyncLocalStorage<string>();

/** The policy for a call made by the execution `executionId`. */
export function runHerePolicy(executionId: string): RunHere {
	return { remoteLimit: remoteLimit(), slot: slotOfRun.getStore() ?? executionId };
}

/** Runs `run` (a call run here) as part of `slot`. */
export function inSlot<T>(slot: string, run: () => Promise<T>): Promise<T> {
	return slotOfRun.run(slot, run);
}
