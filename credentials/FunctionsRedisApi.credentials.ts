// Optional: where function calls travel when a node's "Redis" setting asks for another Redis
// than n8n's own (N8N_FUNCTIONS_REDIS_URL, else queue mode's QUEUE_BULL_REDIS_*, else memory).
import type { ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

export class FunctionsRedisApi implements ICredentialType {
	name = 'functionsRedisApi';

	displayName = 'Functions Redis';

	// The Function node's icon: the credential belongs to the functions' nodes.
	icon: Icon = { light: 'file:../nodes/Function/function.svg', dark: 'file:../nodes/Function/function.dark.svg' };

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-functions#functions-redis-credential-optional';

	properties: INodeProperties[] = [
		{
			displayName:
				'Only needed to use a Redis other than n8n\'s own. Without it, functions use N8N_FUNCTIONS_REDIS_URL, else the queue-mode Redis (QUEUE_BULL_REDIS_*), else run in memory in a single n8n process. Caller and function must use the same Redis.',
			name: 'notice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Host',
			name: 'host',
			type: 'string',
			default: 'localhost',
			description: 'For a Redis Cluster, its nodes: host:port,host:port (a node without a port gets the Port below)',
		},
		{
			displayName: 'Port',
			name: 'port',
			type: 'number',
			default: 6379,
		},
		{
			displayName: 'Database Number',
			name: 'database',
			type: 'number',
			default: 0,
		},
		{
			displayName: 'User',
			name: 'user',
			type: 'string',
			default: '',
			hint: 'Leave blank for password-only authentication',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{
			displayName: 'TLS',
			name: 'tls',
			type: 'boolean',
			default: false,
			description: 'Whether to connect with TLS (rediss://)',
		},
	];
}
