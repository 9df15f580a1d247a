import { toRedisCredential } from '../../nodes/shared/credential';

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
