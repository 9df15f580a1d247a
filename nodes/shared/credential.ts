// The optional "Functions Redis" credential: offered only when a node's "Redis" setting asks
// for another Redis than n8n's own, read when it does, and turned into the addon's
// RedisCredential.
import type {
	FunctionsBase,
	ICredentialDataDecryptedObject,
	INodeProperties,
} from 'n8n-workflow';

import type { RedisCredential } from './addon-types';
import { GuidedError } from './guided-error';

export const CREDENTIAL_NAME = 'functionsRedisApi';
export const CREDENTIAL_TEST_METHOD = 'functionsRedisConnectionTest';

/** The node parameter that says which Redis calls travel through. */
export const REDIS_PARAMETER = 'redis';
export const N8N_REDIS = 'n8n';
export const CREDENTIAL_REDIS = 'credential';

/**
 * Every node's last parameter. Without it n8n's editor shows the credential first, as if it
 * were needed: most set-ups never need it, so the editor shows it (right above this
 * parameter) only once asked for, and drops it from the node when set back.
 */
export const redisProperty: INodeProperties = {
	displayName: 'Redis',
	name: REDIS_PARAMETER,
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: "Default: n8n's Own Redis",
			value: N8N_REDIS,
			description:
				"Queue mode's Redis (QUEUE_BULL_REDIS_*) or N8N_FUNCTIONS_REDIS_URL; in regular mode calls stay inside n8n. Nothing to set up.",
		},
		{
			name: 'Another Redis (Functions Redis Credential)',
			value: CREDENTIAL_REDIS,
			description: 'A Redis set up in a Functions Redis credential, chosen right above. Caller and function must use the same one.',
		},
	],
	default: N8N_REDIS,
	description: 'Where calls to functions travel. Use the same setting on the Function, Call Function and Return from Function nodes of a call.',
};

function text(value: unknown): string | undefined {
	if (typeof value !== 'string') return undefined;
	const trimmed = value.trim();
	return trimmed === '' ? undefined : trimmed;
}

function wholeNumber(value: unknown): number | undefined {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	return typeof number === 'number' && Number.isInteger(number) ? number : undefined;
}

/** The addon's view of the credential's fields; empty fields are left to the addon's defaults. */
export function toRedisCredential(data: ICredentialDataDecryptedObject): RedisCredential {
	const credential: RedisCredential = {};
	const host = text(data.host);
	const port = wholeNumber(data.port);
	const database = wholeNumber(data.database);
	const user = text(data.user);
	// Passwords are kept exactly as typed.
	const password = typeof data.password === 'string' && data.password !== '' ? data.password : undefined;
	if (host !== undefined) credential.host = host;
	if (port !== undefined) credential.port = port;
	if (database !== undefined) credential.database = database;
	if (user !== undefined) credential.user = user;
	if (password !== undefined) credential.password = password;
	if (data.tls === true) credential.tls = true;
	return credential;
}

/** Whether the node's "Redis" setting asks for the credential (a node saved without it: no). */
export function usesCredentialRedis(parameters: Record<string, unknown>): boolean {
	return parameters[REDIS_PARAMETER] === CREDENTIAL_REDIS;
}

/** The node's Functions Redis credential, or undefined when the node uses n8n's own Redis. */
export async function readOptionalCredential(context: FunctionsBase): Promise<RedisCredential | undefined> {
	const node = context.getNode();
	if (!usesCredentialRedis(node.parameters)) return undefined;
	if (!node.credentials?.[CREDENTIAL_NAME]) {
		throw new GuidedError(
			`"Redis" is set to another Redis, but no Functions Redis credential is chosen on node "${node.name}"`,
			"Choose a Functions Redis credential just above \"Redis\" in the node, or set \"Redis\" back to \"Default: n8n's Own Redis\".",
		);
	}
	return toRedisCredential(await context.getCredentials(CREDENTIAL_NAME));
}
