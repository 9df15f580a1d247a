// Where the time of one request goes, from timestamps, not guesses. Sequential requests run
// while Redis's MONITOR records this run's keys; afterwards n8n's execution records (REST API)
// are fetched. Each request is then cut at moments measured by one clock (one machine):
//   the client:   request sent, response received                       (Date.now())
//   n8n records:  execution createdAt / startedAt / stoppedAt, each node's startTime and
//                 executionTime (ms, from the process that ran it)
//   MONITOR:      Bull job added (HMSET …bull:jobs:<id> … executionId), taken by a worker
//                 (HSET processedOn), reported finished (HSET progress job-finished); the
//                 package's XADD of the call, the Function trigger's next XREADGROUP (its
//                 consumer has the call), PUBLISH of the answer (µs, Redis's clock)
'use strict';
const { startMonitor } = require('../support/monitor');
const { summarize } = require('../support/stats');
const { sequential } = require('./load');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const epoch = (iso) => Date.parse(iso);

/** Runs `count` sequential requests per scenario under MONITOR and collects what they left. */
async function captureBreakdown(n8n, scenarios, count, redisUrl) {
	const prefix = n8n.run.keyPrefix;
	const monitor = await startMonitor(redisUrl);
	const requests = [];
	let lines;
	try {
		await sequential(n8n.baseUrl, scenarios, count, (scenario, r) => requests.push({ scenario: scenario.id, ...r }));
		await sleep(1500); // the last executions are saved and their jobs completed
	} finally {
		lines = await monitor.stop(prefix);
	}
	const since = Math.min(...requests.map((r) => r.start)) - 1000;
	const workflowIds = [...new Set(scenarios.flatMap((s) => [s.workflowId, s.subWorkflowId, s.functionWorkflowId].filter(Boolean)))];
	const executions = {};
	for (const workflowId of workflowIds) {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const list = await n8n.rest.request('GET', `/executions?filter=${filter}&limit=${count * 3 + 10}`);
		executions[workflowId] = [];
		for (const summary of list.results.filter((e) => epoch(e.createdAt) >= since)) {
			executions[workflowId].push(await n8n.rest.execution(summary.id));
		}
	}
	return { prefix, requests, lines, executions };
}

/** Quoted strings of a MONITOR line's arguments, unescaped enough for ids and keys. */
function monitorArgs(text) {
	return [...text.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1].replace(/\\"/g, '"').replace(/\\\\/g, '\\'));
}

/** Moments MONITOR saw, indexed: Bull jobs by execution id, calls by call id. */
function indexMonitor(lines, prefix) {
	const jobs = new Map(); // jobId → {executionId, added, taken, finished}
	const byExecution = new Map();
	const calls = new Map(); // callId → {sent, stream, published}
	const reads = []; // Function trigger consumers' XREADGROUP: {at, stream}
	const job = (id) => {
		if (!jobs.has(id)) jobs.set(id, {});
		return jobs.get(id);
	};
	const jobKey = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}bull:jobs:(\\d+)$`);
	for (const line of lines) {
		const args = monitorArgs(line.args);
		if (line.source === 'lua') {
			const jobMatch = jobKey.exec(args[0] ?? '');
			if (line.command === 'HMSET' && jobMatch) {
				const data = args[args.indexOf('data') + 1] ?? '';
				const executionId = /"executionId":"(\d+)"/.exec(data)?.[1];
				const j = job(jobMatch[1]);
				j.added = line.atMs;
				j.executionId = executionId;
				if (executionId) byExecution.set(executionId, j);
			} else if (line.command === 'HSET' && jobMatch && args[1] === 'processedOn') {
				job(jobMatch[1]).taken ??= line.atMs;
			} else if (line.command === 'HSET' && jobMatch && args[1] === 'progress' && args[2]?.includes('job-finished')) {
				job(jobMatch[1]).finished = line.atMs;
			} else if (line.command === 'XADD' && args[0]?.endsWith(':calls')) {
				const callId = /"id":"([0-9a-f]+)"/.exec(args[args.indexOf('call') + 1] ?? '')?.[1];
				if (callId) calls.set(callId, { ...calls.get(callId), sent: line.atMs, stream: args[0] });
			} else if (line.command === 'PUBLISH' && args[0]?.includes(':inbox:')) {
				const callId = (args[1] ?? '').split(' ')[0];
				if (calls.has(callId) && calls.get(callId).published === undefined) calls.get(callId).published = line.atMs;
			}
		} else if (line.command === 'XREADGROUP') {
			reads.push({ at: line.atMs, stream: args[args.indexOf('STREAMS') + 1] });
		}
	}
	return { byExecution, calls, reads };
}

function nodeRun(execution, name) {
	const run = execution?.data?.resultData?.runData?.[name]?.[0];
	return run ? { start: run.startTime, end: run.startTime + run.executionTime } : null;
}

function callIdOf(execution, triggerName) {
	const items = execution?.data?.resultData?.runData?.[triggerName]?.[0]?.data?.main?.[0] ?? [];
	return items[0]?.json?._functionCall?.callId;
}

/** The segments of each request, in order; each is [label, from, to] in epoch ms. */
function segmentsOf(request, scenario, execution, index, callees) {
	const job = index.byExecution.get(String(execution.id)) ?? {};
	const created = epoch(execution.createdAt);
	const started = epoch(execution.startedAt);
	const stopped = epoch(execution.stoppedAt);
	const webhook = nodeRun(execution, 'Webhook');
	const points = [
		['main: webhook → execution record', request.start, created],
		['main: record → Bull job queued', created, job.added],
		['queue: job waits for a worker', job.added, job.taken],
		['worker: job taken → execution started', job.taken, started],
		['worker: started → first node runs', started, webhook?.start],
	];
	if (scenario.id === 'set') {
		const set = nodeRun(execution, 'Sum');
		points.push(['worker: Webhook node', webhook?.start, set?.start], ['worker: Set node', set?.start, set?.end], ['worker: last node → execution stopped', set?.end, stopped]);
	} else if (scenario.id === 'exec') {
		const node = nodeRun(execution, 'Execute Workflow');
		const sub = callees.find((e) => epoch(e.createdAt) >= (node?.start ?? Infinity) - 1 && epoch(e.createdAt) <= (node?.end ?? -Infinity) + 1);
		const subCreated = sub ? epoch(sub.createdAt) : undefined;
		const subStopped = sub ? epoch(sub.stoppedAt) : undefined;
		points.push(
			['worker: Webhook node', webhook?.start, node?.start],
			['Execute Workflow: → sub-execution record', node?.start, subCreated],
			['sub-execution: record → stopped (runs inline)', subCreated, subStopped],
			['Execute Workflow: sub stopped → node done', subStopped, node?.end],
			['worker: last node → execution stopped', node?.end, stopped],
		);
	} else if (scenario.id === 'call') {
		const node = nodeRun(execution, 'Call Function');
		const fn = callees.find((e) => {
			const created = epoch(e.createdAt);
			return created >= (node?.start ?? Infinity) - 1 && created <= (node?.end ?? -Infinity) + 1;
		});
		const callId = callIdOf(fn, 'add');
		const call = (callId && index.calls.get(callId)) || {};
		// The consumer reads again as soon as its read returned the call: that moment is when it had it.
		const read = index.reads.find((r) => call.sent !== undefined && r.stream === call.stream && r.at > call.sent)?.at;
		const fnJob = fn ? index.byExecution.get(String(fn.id)) ?? {} : {};
		const ret = nodeRun(fn, 'Return from Function');
		points.push(
			['worker: Webhook node', webhook?.start, node?.start],
			['Call Function: parameters → XADD (addon send)', node?.start, call.sent],
			['addon: XADD → trigger consumer has the call (main)', call.sent, read],
			['main: trigger emits → function execution record', read, fn && epoch(fn.createdAt)],
			['main: function record → Bull job queued', fn && epoch(fn.createdAt), fnJob.added],
			['queue: function job waits for a worker', fnJob.added, fnJob.taken],
			['worker: job taken → function execution started', fnJob.taken, fn && epoch(fn.startedAt)],
			['worker: started → Return from Function runs', fn && epoch(fn.startedAt), ret?.start],
			['Return from Function: → PUBLISH (addon answer)', ret?.start, call.published],
			['addon: PUBLISH → Call Function done (caller)', call.published, node?.end],
			['worker: last node → execution stopped', node?.end, stopped],
		);
	}
	points.push(['worker: stopped → job-finished reported (saves)', stopped, job.finished], ['main: job finished → response received', job.finished, request.end]);
	return points;
}

/** Per scenario: median (and p95) of every segment, with their sum against the median total. */
function analyzeBreakdown(raw, scenarios) {
	const index = indexMonitor(raw.lines, raw.prefix);
	const out = {};
	for (const scenario of scenarios.filter((s) => ['set', 'exec', 'call'].includes(s.id))) {
		const callers = raw.executions[scenario.workflowId] ?? [];
		const callees = raw.executions[scenario.subWorkflowId ?? scenario.functionWorkflowId] ?? [];
		const rows = new Map();
		const totals = [];
		let matched = 0;
		for (const request of raw.requests.filter((r) => r.scenario === scenario.id)) {
			const execution = callers.find((e) => epoch(e.createdAt) >= request.start - 1 && epoch(e.createdAt) <= request.end);
			if (!execution) continue;
			matched++;
			totals.push(request.end - request.start);
			for (const [label, from, to] of segmentsOf(request, scenario, execution, index, callees)) {
				if (!rows.has(label)) rows.set(label, []);
				if (Number.isFinite(from) && Number.isFinite(to)) rows.get(label).push(to - from);
			}
		}
		const segments = [...rows].map(([label, samples]) => ({ label, n: samples.length, ...summarize(samples) }));
		out[scenario.id] = { requests: matched, total: summarize(totals), segments };
	}
	return out;
}

module.exports = { captureBreakdown, analyzeBreakdown, indexMonitor };
