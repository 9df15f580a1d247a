import type { FunctionsBase, ICredentialTestFunctions } from 'n8n-workflow';

import { functionsFor, resetClients } from '../../nodes/shared/client';
import { readOptionalCredential, toRedisCredential } from '../../nodes/shared/credential';
import { functionsRedisConnectionTest } from '../../nodes/shared/credential-test';
import { REDIS_URL } from '../support/addon';

describe('the Functions Redis credential', () => {
	it('hands the filled-in fields to the addon', () => {
		expect(
			toRedisCredential({ host: ' redis.internal ', port: 6380, database: 2, user: 'fn', password: ' secret ', tls: true }),
		).toEqual({ host: 'redis.internal', port: 6380, database: 2, user: 'fn', password: ' secret ', tls: true });
	});

	it('leaves empty fields to the addon defaults', () => {
		expect(toRedisCredential({ host: '', port: 6379, database: 0, user: '', password: '', tls: false })).toEqual({
			port: 6379,
			database: 0,
		});
	});
});

describe("a node's Redis setting", () => {
	function context(parameters: Record<string, unknown>, withCredential: boolean): FunctionsBase {
		return {
			getNode: () => ({
				name: 'Call Function',
				parameters,
				credentials: withCredential ? { functionsRedisApi: { id: '1', name: 'Other Redis' } } : undefined,
			}),
			getCredentials: async () => ({ host: 'other-redis', port: 6390 }),
		} as unknown as FunctionsBase;
	}

	it("uses n8n's own Redis unless it asks for the credential, even when one is left on the node", async () => {
		await expect(readOptionalCredential(context({}, true))).resolves.toBeUndefined();
		await expect(readOptionalCredential(context({ redis: 'n8n' }, true))).resolves.toBeUndefined();
	});

	it('reads the credential when it asks for it', async () => {
		await expect(readOptionalCredential(context({ redis: 'credential' }, true))).resolves.toEqual({ host: 'other-redis', port: 6390 });
	});

	it('says what to do when it asks for a credential that is not chosen', async () => {
		await expect(readOptionalCredential(context({ redis: 'credential' }, false))).rejects.toMatchObject({
			message: '"Redis" is set to another Redis, but no Functions Redis credential is chosen on node "Call Function"',
			description: expect.stringContaining("n8n's Own"),
		});
	});
});

describe("the credential's Test button", () => {
	const redis = new URL(REDIS_URL);
	const sameRedis = { host: redis.hostname, port: Number(redis.port || 6379), database: 0 };
	afterEach(() => resetClients());

	it('describes the credential being tested, also when another setting of this process uses the same Redis', async () => {
		// The process already talks to this very Redis through another setting (here the url
		// option; in n8n, the queue's QUEUE_BULL_REDIS_*).
		resetClients({ url: `redis://${sameRedis.host}:${sameRedis.port}/0` });
		expect(functionsFor().address).toMatch(/from the url option/);

		const result = await functionsRedisConnectionTest.call({} as ICredentialTestFunctions, {
			id: '1',
			name: 'Functions Redis',
			type: 'functionsRedisApi',
			data: sameRedis,
		});
		expect(result.status).toBe('OK');
		expect(result.message).toMatch(
			new RegExp(`^Connected to redis://${sameRedis.host}:${sameRedis.port}/0 \\(from the Functions Redis credential\\): \\d+ functions? registered$`),
		);
	});

	it('reports a Redis that does not answer as the credential\'s', async () => {
		const result = await functionsRedisConnectionTest.call({} as ICredentialTestFunctions, {
			id: '1',
			name: 'Functions Redis',
			type: 'functionsRedisApi',
			data: { host: '127.0.0.1', port: 1 },
		});
		expect(result).toEqual({ status: 'Error', message: expect.stringMatching(/^Cannot reach Redis at redis:\/\/127\.0\.0\.1:1\/0 \(from the Functions Redis credential\)/) });
	});
});
