// `n8n-functions status [--json]`: every function, its Function triggers, its open calls
// and dead letters. Unhealthy (exit code 1): calls waiting with no live trigger, or calls
// past their deadline.
import type { FunctionsClient, FunctionStatus } from '../index';
import { GLOBAL_SCOPE } from './arguments';
import { age, json, time, type Output } from './output';

export async function status(client: FunctionsClient, asJson: boolean, output: Output): Promise<number> {
	const functions = await client.status();
	const healthy = functions.every((f) => f.problems.length === 0);
	if (asJson) {
		output.out(json({ address: client.address, healthy, functions }));
	} else {
		output.out(`Functions at ${client.address}: ${functions.length}${healthy ? '' : ' (unhealthy)'}`);
		for (const f of functions) output.out(describe(f));
	}
	return healthy ? 0 : 1;
}

function describe(f: FunctionStatus): string {
	const scope = f.scope === GLOBAL_SCOPE ? 'global' : `local to workflow ${f.scope}`;
	const state = f.deactivated ? 'deactivated' : f.live ? 'serving' : 'not served';
	const lines = [
		'',
		`${f.name}(${f.parameters.join(', ')})  ${state}`,
		`  ${scope}; defined by node "${f.nodeName}" of workflow "${f.workflowName}" (${f.workflowId})`,
		`  calls: ${f.openCalls} open, ${f.inFlight} taken by a trigger; dead letters: ${f.deadLetters}`,
	];
	for (const c of f.consumers) {
		lines.push(`  trigger ${c.name}: ${c.live ? 'live' : 'silent'}, last heartbeat ${age(Date.now() - c.lastBeat)} ago (${time(c.lastBeat)})`);
	}
	for (const call of f.calls) {
		const where = call.heldBy ? `taken by ${call.heldBy}, ${call.deliveries} deliver${call.deliveries === 1 ? 'y' : 'ies'}` : 'waiting';
		const late = call.deadline < Date.now() ? ', past its deadline' : '';
		lines.push(`  call ${call.callId}: ${age(call.ageMs)} old, ${where}${late}`);
	}
	for (const parked of f.parked) {
		const since = parked.parkedAt ? `${age(Date.now() - parked.parkedAt)} parked` : 'parked';
		const on = parked.execution ? `waits in execution ${parked.execution.executionId} (a Wait, an approval or a form)` : 'waits';
		const caller = parked.caller ? `; its caller parked too (execution ${parked.caller.executionId})` : '';
		lines.push(`  call ${parked.callId}: ${since}, ${on}${caller}; deadline ${time(parked.deadline)}`);
	}
	for (const problem of f.problems) lines.push(`  PROBLEM: ${problem}`);
	return lines.join('\n');
}
