// The four Linux binaries, each proven in a real Node of its own platform: the package is
// packed and installed as n8n's community-package installer does it, then every platform's
// Node loads it through index.js (which picks the binary), serves a function and calls it
// over the real Redis and over TLS, and has a wrong argument refused. readelf shows what
// each binary links against. Build them first: npm run build && npm run build:linux.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { randomUUID } = require('node:crypto');
const { spawnSync } = require('node:child_process');
const Redis = require('ioredis');
const targets = require('./targets');
const elf = require('./elf');
const { checkBinaries } = require('./package-check');
const { startTlsRedis } = require('./tls-redis');
const { nodeFor } = require('./toolchain/node-runtimes');
const { installPackage } = require('../e2e/support/package-install');

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const keyPrefix = `platforms-${randomUUID().slice(0, 8)}:`;
const PROBE_TIMEOUT_MS = 150_000; // arm64 Node under qemu takes a few seconds to start

const MACHINE = { x86_64: 'Advanced Micro Devices X86-64', aarch64: 'AArch64' };
// What a glibc binary may need: glibc's own libraries and libgcc_s (Rust's unwinder).
const GLIBC_LIBRARIES = new Set(['libc.so.6', 'libm.so.6', 'libdl.so.2', 'libpthread.so.0', 'librt.so.1', 'libgcc_s.so.1', 'ld-linux-x86-64.so.2', 'ld-linux-aarch64.so.1']);

let work;
let installed;
let tls;

beforeAll(async () => {
	for (const triple of targets.LINUX_TRIPLES) {
		if (!fs.existsSync(targets.binaryFile(triple))) {
			throw new Error(`${path.relative(targets.repoRoot, targets.binaryFile(triple))} is missing: build the Linux binaries first (npm run build && npm run build:linux)`);
		}
	}
	work = fs.mkdtempSync(path.join(os.tmpdir(), 'fn-platforms-'));
	installed = installPackage({ userFolder: work, packDir: path.join(work, 'pack') });
	tls = await startTlsRedis();
}, 300_000);

afterAll(async () => {
	await tls?.stop();
	const redis = new Redis(REDIS_URL);
	try {
		let cursor = '0';
		do {
			const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 500);
			if (keys.length) await redis.del(...keys);
			cursor = next;
		} while (cursor !== '0');
	} finally {
		redis.disconnect();
	}
	if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('the packed package carries exactly the four Linux binaries of its version', () => {
	const { files, bytes } = checkBinaries(installed.tarball, targets.LINUX_TRIPLES);
	expect(files).toHaveLength(4);
	console.log(`${path.basename(installed.tarball)}: ${(bytes / 1e6).toFixed(1)} MB packed, binaries ${files.join(', ')}`);
});

describe.each(targets.LINUX_TRIPLES)('%s', (triple) => {
	const platform = targets.platformOf(triple);
	const musl = triple.endsWith('-musl');
	const binary = () => path.join(installed.folder, 'binaries', path.basename(targets.binaryFile(triple)));

	test(`is built for its processor and links ${musl ? "musl's libc.so only" : `glibc, ${targets.GLIBC_FLOOR[triple]} at most`}`, () => {
		expect(elf.machine(binary())).toBe(MACHINE[triple.split('-')[0]]);
		const needed = elf.neededLibraries(binary());
		if (musl) {
			expect(needed).toEqual(['libc.so']);
			expect(elf.glibcVersions(binary())).toEqual([]);
		} else {
			expect(needed.filter((library) => !GLIBC_LIBRARIES.has(library))).toEqual([]);
			const highest = elf.glibcVersions(binary()).at(-1);
			expect(elf.compareVersions(highest, targets.GLIBC_FLOOR[triple])).toBeLessThanOrEqual(0); // README: "glibc <floor> or newer"
			console.log(`${platform} needs GLIBC_${highest}`);
		}
	});

	test(`loads in ${platform}'s Node, answers a call in memory, over Redis and over TLS, refuses a wrong argument and an untrusted TLS server`, () => {
		const node = nodeFor(triple);
		const env = { ...process.env, PROBE_REDIS_URL: REDIS_URL, PROBE_TLS_URL: tls.url, PROBE_TLS_CA_FILE: tls.caFile, PROBE_KEY_PREFIX: keyPrefix };
		// Nothing else may pick the backend (memory unless a URL is given) or trust the test's authority.
		for (const name of ['N8N_FUNCTIONS_REDIS_URL', 'N8N_FUNCTIONS_REDIS_CA_FILE', 'EXECUTIONS_MODE']) delete env[name];
		const probe = spawnSync(node.command, [...node.args, path.join(__dirname, 'probe.js'), installed.folder], { encoding: 'utf8', timeout: PROBE_TIMEOUT_MS, env });
		const lastLine = probe.stdout.trim().split('\n').at(-1) ?? '';
		let report;
		try {
			report = JSON.parse(lastLine);
		} catch {
			throw new Error(`the probe in ${node.how} printed no report (exit ${probe.status}, signal ${probe.signal}):\n${probe.stdout}\n${probe.stderr}`);
		}
		if (report.error) throw new Error(`the probe in ${node.how} failed: ${report.error}\n${probe.stderr}`);

		const arch = triple.startsWith('aarch64') ? 'arm64' : 'x64';
		expect({ platform: report.platform, arch: report.arch, glibc: report.glibc !== null }).toEqual({ platform: 'linux', arch, glibc: !musl });
		expect(report.loadedBinaries).toEqual([`binaries/${path.basename(targets.binaryFile(triple))}`]);
		expect(report.untrustedTls).toMatch(/^REDIS_UNAVAILABLE: .*invalid peer certificate: UnknownIssuer/);
		for (const [connection, backend] of [[report.memory, 'memory'], [report.redis, 'redis'], [report.tls, 'redis']]) {
			expect(connection.backend).toBe(backend);
			expect(connection.answer).toEqual({ sum: 5, arch });
			expect(connection.refusal).toMatch(/^INVALID_ARGUMENTS: .*'a' must be a number/);
		}
		console.log(`${platform}: ${node.how} (${report.node}, ${report.glibc ? `glibc ${report.glibc}` : 'musl'})`);
	});
});

test('the README states the glibc each glibc binary needs', () => {
	const readme = fs.readFileSync(path.join(targets.repoRoot, 'README.md'), 'utf8');
	for (const [triple, floor] of Object.entries(targets.GLIBC_FLOOR)) {
		const row = readme.split('\n').find((line) => line.startsWith(`| \`${targets.platformOf(triple)}\` |`));
		expect(row).toContain(`glibc ${floor}`);
	}
});

test("this machine's glibc Node refuses the x64 musl binary, so its test above ran on musl", () => {
	const attempt = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(targets.binaryFile('x86_64-unknown-linux-musl'))})`], { encoding: 'utf8' });
	expect(attempt.status).not.toBe(0);
	expect(attempt.stderr).toMatch(/libc\.so: invalid ELF header/);
});
