// The client the commands use: the same connection rules as the nodes (the addon's own
// config: N8N_FUNCTIONS_REDIS_URL, else n8n's queue settings EXECUTIONS_MODE=queue with
// QUEUE_BULL_REDIS_*, and N8N_FUNCTIONS_KEY_PREFIX or n8n's prefixes), with --url and
// --prefix to point elsewhere.
import { loadAddon } from '../nodes/shared/addon';
import type { FunctionsClient } from '../index';
import { UsageError, type CommandLine } from './arguments';

export function connect(flags: CommandLine['flags']): FunctionsClient {
	const url = typeof flags.url === 'string' ? flags.url : undefined;
	const keyPrefix = typeof flags.prefix === 'string' ? flags.prefix : undefined;
	const client = new (loadAddon().FunctionsClient)({ url, keyPrefix });
	if (client.backend === 'memory') {
		throw new UsageError(
			'No Redis is configured. Run this with the environment of your n8n processes (N8N_FUNCTIONS_REDIS_URL, or EXECUTIONS_MODE=queue with QUEUE_BULL_REDIS_HOST and the other QUEUE_BULL_REDIS_* settings), or pass --url=redis://host:6379. (In n8n\'s regular mode functions live inside the one n8n process, where nothing outside can see them.)',
		);
	}
	return client;
}
