import type { FunctionsBase } from 'n8n-workflow';

import { readOptionalCredential, toRedisCredential } from '../../nodes/shared/credential';

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
