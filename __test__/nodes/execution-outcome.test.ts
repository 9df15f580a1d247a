import type { IRun } from 'n8n-workflow';

import { outcomeOfRejection, outcomeOfRun } from '../../nodes/shared/execution-outcome';

function run(partial: { status: IRun['status']; waitTill?: Date; resultData?: Record<string, unknown> }): IRun {
	return {
		status: partial.status,
		waitTill: partial.waitTill,
		mode: 'trigger',
		startedAt: new Date(),
		storedAt: 'db',
		data: { resultData: { runData: {}, ...(partial.resultData ?? {}) } },
	} as unknown as IRun;
}

describe("a function's execution outcome", () => {
	it('is a plain end for a successful run (Rust then answers "no return" if nothing returned)', () => {
		expect(outcomeOfRun(run({ status: 'success' }))).toEqual({ ended: true });
	});

	it('is not an end while the execution waits (it may still return after resuming)', () => {
		expect(outcomeOfRun(run({ status: 'waiting' }))).toEqual({ ended: false });
		expect(outcomeOfRun(run({ status: 'running', waitTill: new Date() }))).toEqual({ ended: false });
	});

	it("carries the workflow error's message and node", () => {
		const outcome = outcomeOfRun(
			run({ status: 'error', resultData: { error: { message: 'Bad request', node: { name: 'HTTP Request' } } } }),
		);
		expect(outcome).toEqual({ ended: true, error: 'Bad request (node "HTTP Request")' });
	});

	it('finds the failing node in the run data when the run has no error of its own', () => {
		const outcome = outcomeOfRun(
			run({
				status: 'error',
				resultData: {
					lastNodeExecuted: 'Code',
					runData: { Function: [{}], Code: [{ error: { message: 'x is not defined' } }] },
				},
			}),
		);
		expect(outcome).toEqual({ ended: true, error: 'x is not defined (node "Code")' });
	});

	it('says so when an execution was canceled without an error', () => {
		expect(outcomeOfRun(run({ status: 'canceled' }))).toEqual({ ended: true, error: "The function's execution was canceled" });
	});

	it('is an end with the reason when n8n rejects the done promise', () => {
		expect(outcomeOfRejection(new Error('The execution was cancelled'))).toEqual({ ended: true, error: 'The execution was cancelled' });
	});
});
