// A fresh PostgreSQL database per run, made and dropped with psql as a superuser (trust auth here).
'use strict';
const { execFileSync } = require('node:child_process');

const settings = {
	host: process.env.PGHOST || '127.0.0.1',
	port: Number(process.env.PGPORT || 5432),
	user: process.env.PGUSER || 'postgres',
	password: process.env.PGPASSWORD || '',
};

function psql(sql) {
	const args = ['-h', settings.host, '-p', String(settings.port), '-U', settings.user, '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qAtc', sql];
	try {
		return execFileSync('psql', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000, env: { ...process.env, PGPASSWORD: settings.password } });
	} catch (error) {
		throw new Error(`psql -h ${settings.host} -p ${settings.port} -U ${settings.user} failed on "${sql}": ${error.stderr || error.message}`);
	}
}

function assertSafeName(name) {
	if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe database name ${name}`);
}

function createDatabase(name) {
	assertSafeName(name);
	psql(`CREATE DATABASE ${name}`);
}

/** Drops the database even when a process still holds a connection to it. */
function dropDatabase(name) {
	assertSafeName(name);
	psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

module.exports = { postgresSettings: settings, createDatabase, dropDatabase };
