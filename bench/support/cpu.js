// CPU time of processes on this machine (Linux /proc), to say what one call costs each
// process: this one, a server child, Redis (whose figure also holds other clients' work).
'use strict';
const fs = require('node:fs');
const { RespConnection, info } = require('./resp');

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** User + system CPU seconds of a whole process (all threads), or NaN when unreadable. */
function cpuSeconds(pid) {
	try {
		const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
		return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
	} catch {
		return NaN;
	}
}

/** Context switches (voluntary + involuntary) of all threads of a process, or NaN. */
function contextSwitches(pid) {
	try {
		let total = 0;
		for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
			const status = fs.readFileSync(`/proc/${pid}/task/${task}/status`, 'utf8');
			total += Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
			total += Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
		}
		return total;
	} catch {
		return NaN;
	}
}

/** The pid of the Redis at `url` when it runs on this machine (INFO server process_id), else null. */
async function localRedisPid(url) {
	const host = new URL(url).hostname;
	if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) return null;
	const connection = await RespConnection.connect(url);
	try {
		const pid = Number((await info(connection, 'server')).process_id);
		return Number.isFinite(cpuSeconds(pid)) ? pid : null;
	} finally {
		connection.close();
	}
}

/**
 * Samples named pids: `const stop = meter({caller: pid, …}); …; stop()` →
 * {cpu: {caller: seconds, …}, switches: {caller: count, …}}.
 */
function meter(pids) {
	const sample = (fn) => Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, pid ? fn(pid) : NaN]));
	const cpu = sample(cpuSeconds);
	const switches = sample(contextSwitches);
	return () => {
		const cpuAfter = sample(cpuSeconds);
		const switchesAfter = sample(contextSwitches);
		return {
			cpu: Object.fromEntries(Object.keys(pids).map((name) => [name, cpuAfter[name] - cpu[name]])),
			switches: Object.fromEntries(Object.keys(pids).map((name) => [name, switchesAfter[name] - switches[name]])),
		};
	};
}

module.exports = { cpuSeconds, contextSwitches, localRedisPid, meter };
