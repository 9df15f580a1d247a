// `n8n-functions watch [function] [--json]`: the event feed, live, one line per event.
import type { FunctionEvent, FunctionsClient } from '../index';
import type { FunctionName } from './arguments';
import { time, type Output } from './output';

export async function watch(client: FunctionsClient, only: FunctionName | undefined, asJson: boolean, output: Output): Promise<number> {
	const watcher = await client.watch();
	const stop = () => watcher.close();
	output.stop.addEventListener('abort', stop, { once: true });
	const wanted = only && `${only.scope}/${only.name}`;
	output.err(`Watching the functions${wanted ? ` '${wanted}'` : ''} at ${client.address} (Ctrl-C stops)`);
	try {
		while (!output.stop.aborted) {
			const { events } = await watcher.next();
			for (const event of events) {
				if (wanted && event.function !== wanted) continue;
				output.out(asJson ? JSON.stringify(event) : line(event));
			}
		}
	} finally {
		output.stop.removeEventListener('abort', stop);
		watcher.close();
	}
	return 0;
}

export function line(e: FunctionEvent): string {
	const parts = [time(e.at), e.kind.padEnd(14), e.function];
	if (e.callId) parts.push(`call ${e.callId}`);
	if (e.attempt && e.attempt > 1) parts.push(`attempt ${e.attempt}`);
	if (e.who) parts.push(`(${e.who})`);
	const line = parts.join(' ');
	return e.message ? `${line}: ${e.message}` : line;
}
