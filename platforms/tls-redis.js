// A redis-server of the test's own that speaks TLS only, with a fresh certificate authority
// (openssl) and a certificate for 127.0.0.1 and localhost; stopped and removed by stop().
// Both programs are the system's, or the ones test-tools/ fetched.
'use strict';
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { execFileSync, spawn } = require('node:child_process');
const { freePort } = require('../e2e/support/free-port');
const { toolPath } = require('../test-tools/locate');

function makeCertificates(dir) {
	const program = toolPath('openssl');
	const openssl = (...args) => execFileSync(program, args, { cwd: dir, stdio: 'ignore' });
	openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=platform-test-ca');
	openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
	fs.writeFileSync(path.join(dir, 'ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1');
	openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '1', '-extfile', 'ext');
}

function listening(port) {
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1', () => (socket.destroy(), resolve(true)));
		socket.once('error', () => resolve(false));
	});
}

/** @returns {Promise<{url: string, caFile: string, stop: () => Promise<void>}>} */
async function startTlsRedis() {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fn-tls-redis-'));
	makeCertificates(dir);
	const port = await freePort();
	const child = spawn(
		toolPath('redis-server'),
		['--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir,
			'--tls-cert-file', 'server.crt', '--tls-key-file', 'server.key', '--tls-ca-cert-file', 'ca.crt', '--tls-auth-clients', 'no'],
		{ cwd: dir, stdio: 'ignore' },
	);
	const exited = new Promise((resolve) => child.once('exit', resolve));
	const started = Date.now();
	while (!(await listening(port))) {
		if (child.exitCode !== null) throw new Error(`redis-server with TLS on port ${port} exited with ${child.exitCode}: is this redis-server built with TLS (Debian's is)?`);
		if (Date.now() - started > 10_000) throw new Error(`redis-server with TLS did not listen on port ${port} within 10 s`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	return {
		url: `rediss://127.0.0.1:${port}`,
		caFile: path.join(dir, 'ca.crt'),
		stop: async () => {
			if (child.exitCode === null) child.kill('SIGKILL');
			await exited;
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

module.exports = { startTlsRedis };
