// The Function trigger's consumer loop: takes calls from the served function, starts one
// execution per call without waiting for it, and reports each execution's end so a call
// nothing returned from is answered with an error instead of leaving its caller waiting.
// An execution that parks (a Wait, an approval, a form) is reported as parked: its caller
// hears it, and may park too.
import type { IRun } from 'n8n-workflow';

import type { CallContext, IncomingCall } from '../shared/addon-types';
import { errorMessage } from '../shared/functions-error';
import { type ExecutionOutcome, outcomeOfRejection, outcomeOfRun } from '../shared/execution-outcome';

/** What the loop needs from a served function (Served in shared/client.ts). */
export interface CallSource {
	next(): Promise<IncomingCall[]>;
	finished(context: CallContext, error?: string): Promise<boolean>;
	parked(context: CallContext): Promise<boolean>;
	close(deactivated?: boolean): Promise<void>;
}

export interface CallServerLog {
	debug(message: string, meta?: object): void;
	warn(message: string, meta?: object): void;
}

export interface CallServerOptions {
	source: CallSource;
	/** Starts the call's execution; settles when it ends (n8n's done promise). */
	runCall(call: IncomingCall): Promise<IRun | undefined>;
	/** next() failed for good: n8n should restart the trigger. */
	onFatal(error: unknown): void;
	log: CallServerLog;
}

/** How long to wait before reporting an end again that could not be reported (Redis out). */
const REPORT_RETRY_DELAYS_MS = [1_000, 3_000, 10_000];

export class CallServer {
	private loop: Promise<void> | undefined;

	private closing = false;

	private readonly pending = new Set<Promise<void>>();

	constructor(private readonly options: CallServerOptions) {}

	/** Starts taking calls (once). */
	start(): void {
		this.loop ??= this.takeCalls();
	}

	/**
	 * Stops taking calls and waits for the loop; executions still running report later.
	 * `deactivated`: the workflow was deactivated, not its process stopped (see ServedFunction.close).
	 */
	async close(deactivated = false): Promise<void> {
		this.closing = true;
		await this.options.source.close(deactivated);
		await this.loop;
	}

	/** Settles when every execution started so far has been reported (tests, diagnostics). */
	async settled(): Promise<void> {
		while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
	}

	private async takeCalls(): Promise<void> {
		const { source, log } = this.options;
		while (!this.closing) {
			let calls: IncomingCall[];
			try {
				calls = await source.next();
			} catch (error) {
				if (!this.closing) this.options.onFatal(error);
				return;
			}
			if (calls.length === 0) return;
			for (const call of calls) {
				log.debug(`Call ${call.context.callId} of ${call.context.function} received (attempt ${call.attempt})`);
				this.track(call);
			}
		}
	}

	/** Runs the call and reports how its execution ended. */
	private track(call: IncomingCall): void {
		const handled = this.runAndObserve(call).then(async (result) => {
			if (result.ended) await this.report(call.context, result.error);
			else await this.options.source.parked(call.context);
		});
		const report = handled
			.catch((error: unknown) => this.options.log.warn(`Call ${call.context.callId} was not reported: ${errorMessage(error)}`))
			.finally(() => this.pending.delete(report));
		this.pending.add(report);
	}

	private runAndObserve(call: IncomingCall): Promise<ExecutionOutcome> {
		try {
			return this.options.runCall(call).then(outcomeOfRun, outcomeOfRejection);
		} catch (error) {
			return Promise.resolve(outcomeOfRejection(error));
		}
	}

	/** Reports the end of a call's execution, again a little later while that fails. */
	private async report(context: CallContext, error: string | undefined): Promise<void> {
		const { source, log } = this.options;
		for (let attempt = 0; ; attempt++) {
			try {
				await source.finished(context, error);
				return;
			} catch (reportError) {
				const delay = REPORT_RETRY_DELAYS_MS[attempt];
				if (delay === undefined) throw reportError;
				log.debug('The end of a call could not be reported; trying again', { callId: context.callId, error: errorMessage(reportError) });
				await new Promise((resolve) => setTimeout(resolve, delay));
			}
		}
	}
}
