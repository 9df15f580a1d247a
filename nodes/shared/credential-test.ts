// "Test" button of the Functions Redis credential: lists functions through a client
// built from the credential being edited. Its address names the credential as the setting
// that chose it, also when another setting of this process points at the same Redis.
import type { ICredentialTestFunctions, ICredentialsDecrypted, INodeCredentialTestResult } from 'n8n-workflow';

import { createFunctions } from './client';
import { toRedisCredential } from './credential';
import { errorMessage } from './functions-error';

const TEST_TIMEOUT_MS = 10_000;

export async function functionsRedisConnectionTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	let timer: NodeJS.Timeout | undefined;
	try {
		const functions = createFunctions(toRedisCredential(credential.data ?? {}));
		const timeout = new Promise<never>((_, reject) => {
			timer = setTimeout(
				() => reject(new Error(`No answer from ${functions.address} within ${TEST_TIMEOUT_MS / 1000} seconds`)),
				TEST_TIMEOUT_MS,
			);
		});
		const found = await Promise.race([functions.list(), timeout]);
		const count = found.length === 1 ? '1 function' : `${found.length} functions`;
		return { status: 'OK', message: `Connected to ${functions.address}: ${count} registered` };
	} catch (error) {
		return { status: 'Error', message: errorMessage(error) };
	} finally {
		clearTimeout(timer);
	}
}
