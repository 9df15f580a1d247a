// What a Function trigger does for its function's calls that parked (a Wait, an approval,
// a form): once such a call is answered, it wakes the caller that parked meanwhile, with a
// POST to the caller execution's resume URL (n8n answers it by running Call Function's
// webhook(), which reads the answer); once a call's deadline passed while the function's
// execution was still parked, it stops that execution, as n8n's Stop button would.
import type { ParkedWork } from '../shared/addon-types';
import { errorMessage } from '../shared/functions-error';
import { ownWaitingWebhooks, stopExecution } from '../shared/n8n-services';

/** What the loop needs from a served function (Served in shared/client.ts). */
export interface ParkedSource {
	nextParked(): Promise<ParkedWork[]>;
	resumed(resumes: ParkedWork[]): Promise<void>;
}

export interface ParkedWorkLog {
	debug(message: string, meta?: object): void;
	warn(message: string, meta?: object): void;
}

/**
 * Waits before waking a caller again: it may still be saving its park (n8n answers 409
 * "running"), or n8n's main process is restarting. After the last, the caller's own deadline
 * ends its wait.
 */
const WAKE_RETRY_DELAYS_MS = [200, 1_000, 3_000, 10_000, 30_000, 60_000];

/** How long one wake-up request may take. */
const WAKE_TIMEOUT_MS = 30_000;

type Woken = 'woken' | 'gone' | 'again';

export class ParkedWorkLoop {
	private loop: Promise<void> | undefined;

	/** Wake-ups in flight per caller execution: one at a time each, so n8n resumes it once. */
	private readonly waking = new Map<string, Promise<void>>();

	constructor(
		private readonly source: ParkedSource,
		private readonly log: ParkedWorkLog,
	) {}

	start(): void {
		this.loop ??= this.takeWork();
	}

	/** Settles once the source is closed and the wake-ups under way are done. */
	async stopped(): Promise<void> {
		await this.loop;
		await Promise.allSettled([...this.waking.values()]);
	}

	private async takeWork(): Promise<void> {
		for (;;) {
			let work: ParkedWork[];
			try {
				work = await this.source.nextParked();
			} catch (error) {
				this.log.warn(`Parked calls could not be read: ${errorMessage(error)}`);
				return;
			}
			if (work.length === 0) return;
			for (const next of work) {
				if (next.kind === 'resume') this.wake(next);
				else void this.stop(next);
			}
		}
	}

	/** Wakes the parked caller of an answered call (after any wake-up of it under way). */
	private wake(resume: ParkedWork): void {
		const caller = resume.caller?.execution.executionId ?? '';
		const before = this.waking.get(caller) ?? Promise.resolve();
		const waking = before.then(async () => {
			await this.wakeUntilDone(resume);
			await this.source.resumed([resume]).catch((error: unknown) => {
				this.log.warn(`A parked caller's wake-up could not be recorded: ${errorMessage(error)}`);
			});
		});
		this.waking.set(caller, waking);
		void waking.finally(() => {
			if (this.waking.get(caller) === waking) this.waking.delete(caller);
		});
	}

	private async wakeUntilDone(resume: ParkedWork): Promise<void> {
		const url = resume.caller?.resumeUrl;
		if (!url) return;
		for (const delay of [0, ...WAKE_RETRY_DELAYS_MS]) {
			if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
			const woken = await wakeUp(url, resume.callId);
			if (woken !== 'again') return;
		}
		this.log.warn(
			`The caller (execution ${resume.caller?.execution.executionId}) of call ${resume.callId} could not be woken at its resume URL; it times out at its deadline`,
		);
	}

	/** Stops a function's execution still parked when its call's deadline passed. */
	private async stop(expired: ParkedWork): Promise<void> {
		const execution = expired.execution;
		if (!execution) return;
		const stopped = await stopExecution(execution.executionId, execution.workflowId);
		this.log.debug(
			stopped
				? `Stopped execution ${execution.executionId}: call ${expired.callId} timed out while it was parked`
				: `Execution ${execution.executionId} of call ${expired.callId}, timed out while parked, could not be stopped here`,
		);
	}
}

/**
 * The caller's resume URL at this process's own listener: the trigger runs in n8n's main
 * process, which answers resume requests itself, so the request needs no public address
 * (which the caller's worker built the URL from, and which may not be reachable from here).
 */
function atOwnListener(url: string): string {
	const own = ownWaitingWebhooks();
	if (!own) return url;
	const marker = `/${own.endpoint}/`;
	const parsed = new URL(url);
	const at = parsed.pathname.indexOf(marker);
	if (at < 0) return url;
	return `${own.base}${own.endpoint}/${parsed.pathname.slice(at + marker.length)}${parsed.search}`;
}

/** One POST to a caller's resume URL (at this process's own listener first): n8n's answer says whether to try again. */
async function wakeUp(resumeUrl: string, callId: string): Promise<Woken> {
	const own = atOwnListener(resumeUrl);
	const woken = await post(own, callId);
	// Not reached at its own listener (TLS with a certificate for another name, say): the URL as made.
	return woken === 'unreachable' && own !== resumeUrl ? toWoken(await post(resumeUrl, callId)) : toWoken(woken);
}

function toWoken(woken: Woken | 'unreachable'): Woken {
	return woken === 'unreachable' ? 'again' : woken;
}

async function post(url: string, callId: string): Promise<Woken | 'unreachable'> {
	try {
		const response = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ callId }),
			signal: AbortSignal.timeout(WAKE_TIMEOUT_MS),
		});
		if (response.ok) return 'woken';
		const text = await response.text().catch(() => '');
		// 409 "is running already": the caller is still saving its park (or resuming): again.
		if (response.status === 409 && /running/i.test(text)) return 'again';
		// Finished, stopped, or gone: nobody waits at that URL any more.
		if (response.status === 404 || response.status === 409 || response.status === 401) return 'gone';
		return 'again';
	} catch {
		return 'unreachable'; // n8n not answering there (restarting, or not at that address)
	}
}
