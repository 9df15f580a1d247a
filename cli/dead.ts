// `n8n-functions dead list|show|retry|purge <function>`: the calls that went to a
// function's dead letters, to read, send again or drop.
import type { FunctionsClient } from '../index';
import { readCount, readFunctionName, readSeconds, UsageError, type CommandLine } from './arguments';
import { json, time, type Output } from './output';

export const DEAD_USAGE =
	'n8n-functions dead list <function> [--count=100] | dead show <function> <id> | dead retry <function> <id> [--timeout=30] | dead purge <function> [<id>...] [--yes]';

export async function dead(client: FunctionsClient, { words, flags }: CommandLine, output: Output): Promise<number> {
	const [, action, functionName, ...ids] = words;
	const { scope, name } = readFunctionName(functionName, DEAD_USAGE);
	const label = `${scope}/${name}`;
	switch (action) {
		case 'list': {
			const letters = await client.deadLetters(scope, name, readCount(flags.count, 'count'));
			if (flags.json) output.out(json(letters));
			else {
				output.out(`${letters.length} dead letter${letters.length === 1 ? '' : 's'} of ${label}`);
				for (const l of letters) output.out(`${l.id}  ${time(l.at)}  call ${l.callId ?? '(unreadable)'}: ${l.reason}`);
			}
			return 0;
		}
		case 'show': {
			const letter = await client.deadLetter(scope, name, needId(ids[0], 'show'));
			output.out(json(letter));
			return 0;
		}
		case 'retry': {
			const id = needId(ids[0], 'retry');
			const timeoutMs = readSeconds(flags.timeout, 'timeout', 30) * 1000;
			const value = await client.retryDeadLetter(scope, name, id, timeoutMs);
			output.err(`Dead letter ${id} of ${label} was sent again and answered; it is removed.`);
			output.out(json(value));
			return 0;
		}
		case 'purge': {
			const what = ids.length ? `${ids.length} dead letter${ids.length === 1 ? '' : 's'}` : 'every dead letter';
			if (!flags.yes) {
				const answer = await output.ask(`Drop ${what} of ${label}? They cannot be sent again afterwards. Type "${name}" to confirm: `);
				if (answer === undefined) throw new UsageError(`Dropping dead letters needs a confirmation: run it in a terminal, or add --yes.`);
				if (answer.trim() !== name) {
					output.err('Nothing dropped.');
					return 1;
				}
			}
			const purged = await client.purgeDeadLetters(scope, name, ids.length ? ids : undefined);
			output.out(`Dropped ${purged} dead letter${purged === 1 ? '' : 's'} of ${label}.`);
			return 0;
		}
		default:
			throw new UsageError(`Unknown dead-letter command '${action ?? ''}'. ${DEAD_USAGE}`);
	}
}

function needId(id: string | undefined, action: string): string {
	if (!id) throw new UsageError(`Name the dead letter: n8n-functions dead ${action} <function> <id> (ids: n8n-functions dead list <function>)`);
	return id;
}
