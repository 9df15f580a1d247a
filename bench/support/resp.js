// A minimal Redis connection over a raw TCP socket: the floor measurements (a PING or XADD
// round trip with next to no client code in the way), MONITOR and INFO.
'use strict';
const net = require('node:net');

function encode(args) {
	let out = `*${args.length}\r\n`;
	for (const arg of args) {
		const text = String(arg);
		out += `$${Buffer.byteLength(text)}\r\n${text}\r\n`;
	}
	return out;
}

/** Parses one reply from `buffer` at `offset`: [value, nextOffset], or null when incomplete. */
function parse(buffer, offset) {
	const end = buffer.indexOf('\r\n', offset);
	if (end < 0) return null;
	const type = String.fromCharCode(buffer[offset]);
	const line = buffer.toString('utf8', offset + 1, end);
	const next = end + 2;
	switch (type) {
		case '+':
			return [line, next];
		case '-':
			return [new Error(line), next];
		case ':':
			return [Number(line), next];
		case '$': {
			const length = Number(line);
			if (length < 0) return [null, next];
			if (buffer.length < next + length + 2) return null;
			return [buffer.toString('utf8', next, next + length), next + length + 2];
		}
		case '*': {
			const count = Number(line);
			if (count < 0) return [null, next];
			const items = [];
			let at = next;
			for (let i = 0; i < count; i++) {
				const parsed = parse(buffer, at);
				if (!parsed) return null;
				items.push(parsed[0]);
				at = parsed[1];
			}
			return [items, at];
		}
		default:
			throw new Error(`unexpected RESP type ${JSON.stringify(type)}`);
	}
}

class RespConnection {
	constructor(socket) {
		this.socket = socket;
		this.buffer = Buffer.alloc(0);
		this.pending = [];
		this.listener = null;
		socket.on('data', (chunk) => this.onData(chunk));
		socket.on('error', (error) => this.failAll(error));
		socket.on('close', () => this.failAll(new Error('connection closed')));
	}

	/** Opens a connection to a redis:// URL (AUTH and SELECT from the URL). */
	static async connect(url) {
		const parsed = new URL(url);
		const socket = net.createConnection({ host: parsed.hostname || '127.0.0.1', port: Number(parsed.port || 6379) });
		socket.setNoDelay(true);
		await new Promise((resolve, reject) => {
			socket.once('connect', resolve);
			socket.once('error', reject);
		});
		const connection = new RespConnection(socket);
		if (parsed.password) {
			const auth = parsed.username ? [decodeURIComponent(parsed.username), decodeURIComponent(parsed.password)] : [decodeURIComponent(parsed.password)];
			await connection.command('AUTH', ...auth);
		}
		const db = Number(parsed.pathname.slice(1) || 0);
		if (db) await connection.command('SELECT', db);
		return connection;
	}

	onData(chunk) {
		this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
		let offset = 0;
		for (;;) {
			const parsed = parse(this.buffer, offset);
			if (!parsed) break;
			offset = parsed[1];
			if (this.listener && this.pending.length === 0) {
				this.listener(parsed[0]);
				continue;
			}
			const waiter = this.pending.shift();
			if (waiter) (parsed[0] instanceof Error ? waiter.reject : waiter.resolve)(parsed[0]);
		}
		this.buffer = offset === this.buffer.length ? Buffer.alloc(0) : this.buffer.subarray(offset);
	}

	failAll(error) {
		for (const waiter of this.pending.splice(0)) waiter.reject(error);
	}

	/** Sends one command; resolves with its reply (replies come back in order). */
	command(...args) {
		return new Promise((resolve, reject) => {
			this.pending.push({ resolve, reject });
			this.socket.write(encode(args));
		});
	}

	/** MONITOR: every later line goes to `onLine(text)`. */
	async monitor(onLine) {
		await this.command('MONITOR');
		this.listener = onLine;
	}

	close() {
		this.socket.destroy();
	}
}

/** `INFO <section>` as {field: value}. */
async function info(connection, section) {
	const text = await connection.command('INFO', section);
	const fields = {};
	for (const line of text.split('\r\n')) {
		const colon = line.indexOf(':');
		if (colon > 0 && !line.startsWith('#')) fields[line.slice(0, colon)] = line.slice(colon + 1);
	}
	return fields;
}

module.exports = { RespConnection, info };
