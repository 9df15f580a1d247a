// The commands of `n8n-functions`, run against an Output (the terminal, or a test's).
import { readCommandLine, readFunctionName, UsageError } from './arguments';
import { connect } from './connect';
import { dead } from './dead';
import { MIGRATE_USAGE, migrate } from './migrate/migrate';
import type { Output } from './output';
import { status } from './status';
import { watch } from './watch';

export const USAGE = `Usage: n8n-functions <command> [--url=redis://host:6379] [--prefix=<key prefix>]

  status [--json]          every function, its Function triggers, open calls and dead letters;
                           exit code 1 when calls wait with no live trigger or are past their deadline
  watch [function] [--json]
                           every event (queued, picked-up, returned, failed, …) as it happens
  dead list <function> [--count=100]
                           the function's dead letters, oldest first
  dead show <function> <id>
                           one dead letter, with its call's arguments
  dead retry <function> <id> [--timeout=30]
                           sends its call again and prints the answer; answered, it is removed
  dead purge <function> [<id>...] [--yes]
                           drops them (all, or those named) once you type the function's name
  ${MIGRATE_USAGE}

A function is "name" (global) or "<workflow id>/<name>" (local). Redis is found as the n8n
processes find it: N8N_FUNCTIONS_REDIS_URL, else EXECUTIONS_MODE=queue with QUEUE_BULL_REDIS_*
(migrate needs no Redis).`;

/** Runs one command; resolves with the process's exit code (2: it could not run). */
export async function main(argv: string[], output: Output): Promise<number> {
	try {
		const line = readCommandLine(argv);
		const [command] = line.words;
		if (!command || line.flags.help || command === 'help') {
			output.out(USAGE);
			return command || line.flags.help ? 0 : 2;
		}
		if (command === 'migrate') return migrate(line, output);
		if (!['status', 'watch', 'dead'].includes(command)) throw new UsageError(`Unknown command '${command}'.\n\n${USAGE}`);
		const client = connect(line.flags);
		if (command === 'status') return await status(client, Boolean(line.flags.json), output);
		if (command === 'watch') {
			const only = line.words[1] ? readFunctionName(line.words[1], 'watch [function]') : undefined;
			return await watch(client, only, Boolean(line.flags.json), output);
		}
		return await dead(client, line, output);
	} catch (error) {
		output.err(`n8n-functions: ${readable(error)}`);
		return 2;
	}
}

/** An error's message: the addon's say what to do. */
function readable(error: unknown): string {
	// An addon error's realm may not be this Error's (jest): read its message as a field.
	const message = (error as { message?: unknown } | null)?.message;
	return typeof message === 'string' ? message : String(error);
}
