/** Reading the event feed in tests: follow it until the events a test waits for came. */
import type { Client } from './addon';

export type Watcher = Awaited<ReturnType<Client['watch']>>;
export type FunctionEvent = Awaited<ReturnType<Watcher['next']>>['events'][number];

/** Reads events until `done` holds for what came so far; returns them all. */
export async function eventsUntil(watcher: Watcher, done: (events: FunctionEvent[]) => boolean): Promise<FunctionEvent[]> {
	const events: FunctionEvent[] = [];
	while (!done(events)) {
		const batch = await watcher.next();
		if (batch.events.length === 0) throw new Error(`the watcher closed after ${JSON.stringify(events)}`);
		events.push(...batch.events);
	}
	return events;
}

/** The kinds of the events of one call, in order. */
export function kindsOf(events: FunctionEvent[], callId: string): string[] {
	return events.filter((e) => e.callId === callId).map((e) => e.kind);
}
