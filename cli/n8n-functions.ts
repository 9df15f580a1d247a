#!/usr/bin/env node
// The `n8n-functions` command (the package's bin): see what functions are doing, and migrate
// workflows from n8n-nodes-function.
import * as readline from 'node:readline/promises';

import { main } from './main';

const stop = new AbortController();
process.once('SIGINT', () => stop.abort());

void main(process.argv.slice(2), {
	out: (line) => process.stdout.write(`${line}\n`),
	err: (line) => process.stderr.write(`${line}\n`),
	ask: async (question) => {
		if (!process.stdin.isTTY) return undefined;
		const terminal = readline.createInterface({ input: process.stdin, output: process.stderr });
		try {
			return await terminal.question(question);
		} finally {
			terminal.close();
		}
	},
	stop: stop.signal,
}).then((code) => process.exit(code));
