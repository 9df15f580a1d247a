// The optional "Functions Redis" credential: read it when a node has one, and turn it
// into the addon's RedisCredential.
import type { FunctionsBase, ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { RedisCredential } from './addon-types';

export const CREDENTIAL_NAME = 'functionsRedisApi';

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

/** The node's Functions Redis credential, or undefined when the node has none. */
export async function readOptionalCredential(context: FunctionsBase): Promise<RedisCredential | undefined> {
	if (!context.getNode().credentials?.[CREDENTIAL_NAME]) return undefined;
	return toRedisCredential(await context.getCredentials(CREDENTIAL_NAME));
}
