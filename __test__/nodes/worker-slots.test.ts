/**
 * How many calls a process leaves waiting on other processes: its execution slots as n8n
 * decides them, minus the one a function's execution needs.
 */
import { DEFAULT_WORKER_CONCURRENCY, UNLIMITED, executionSlots, inSlot, remoteLimit, runHerePolicy } from '../../nodes/caller/worker-slots';

const n8n = ['/usr/local/bin/node', '/usr/local/lib/node_modules/n8n/bin/n8n'];

describe('worker slots', () => {
	it("a worker has n8n's default of 10 slots, or its --concurrency", () => {
		expect(executionSlots([...n8n, 'worker'], {})).toBe(DEFAULT_WORKER_CONCURRENCY);
		expect(executionSlots([...n8n, 'worker', '--concurrency=2'], {})).toBe(2);
		expect(executionSlots([...n8n, 'worker', '--concurrency', '3'], {})).toBe(3);
	});

	it("N8N_CONCURRENCY_PRODUCTION_LIMIT wins over --concurrency, as in n8n's worker command", () => {
		expect(executionSlots([...n8n, 'worker', '--concurrency=2'], { N8N_CONCURRENCY_PRODUCTION_LIMIT: '7' })).toBe(7);
		expect(executionSlots([...n8n, 'worker', '--concurrency=2'], { N8N_CONCURRENCY_PRODUCTION_LIMIT: '-1' })).toBe(2);
	});

	it("queue mode's main process holds no worker slot; regular mode has its production limit, if any", () => {
		expect(executionSlots([...n8n, 'start'], { EXECUTIONS_MODE: 'queue', N8N_CONCURRENCY_PRODUCTION_LIMIT: '5' })).toBeUndefined();
		expect(executionSlots([...n8n, 'start'], {})).toBeUndefined();
		expect(executionSlots([...n8n, 'start'], { N8N_CONCURRENCY_PRODUCTION_LIMIT: '5' })).toBe(5);
	});

	it('leaves one slot free for the functions: slots - 1 may wait on other processes', () => {
		expect(remoteLimit([...n8n, 'worker'], {})).toBe(9);
		expect(remoteLimit([...n8n, 'worker', '--concurrency=1'], {})).toBe(0);
		expect(remoteLimit([...n8n, 'start'], { EXECUTIONS_MODE: 'queue' })).toBe(UNLIMITED);
	});

	it("a call made by a function run in its caller's process counts for the caller's slot", async () => {
		expect(runHerePolicy('exec1').slot).toBe('exec1');
		const nested = await inSlot('exec1', async () => {
			await new Promise((resolve) => setTimeout(resolve, 1)); // across awaits, as in n8n's engine
			return runHerePolicy('exec2').slot;
		});
		expect(nested).toBe('exec1');
		expect(runHerePolicy('exec3').slot).toBe('exec3');
	});
});
