// The command line, read into a command, its words and its flags.

/** Flags that take a value (the next word); every other flag is a switch. */
const VALUE_FLAGS = new Set(['url', 'prefix', 'timeout', 'count', 'output', 'rename', 'installed-as']);

export interface CommandLine {
	/** Words that are not flags, in order: the command first. */
	words: string[];
	/** `--json` → { json: true }, `--url x` or `--url=x` → { url: 'x' } (the last, when given twice). */
	flags: Record<string, string | true>;
	/** Every value of a flag given more than once: `--rename=a --rename=b` → { rename: ['a', 'b'] }. */
	lists: Record<string, string[]>;
}

export class UsageError extends Error {
	override readonly name = 'UsageError';
}

export function readCommandLine(argv: string[]): CommandLine {
	const words: string[] = [];
	const flags: Record<string, string | true> = {};
	const lists: Record<string, string[]> = {};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (!arg.startsWith('--')) {
			words.push(arg);
			continue;
		}
		const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
		if (!VALUE_FLAGS.has(name)) {
			flags[name] = true;
			continue;
		}
		const value = inline ?? argv[++i];
		if (value === undefined || value === '') throw new UsageError(`--${name} needs a value, e.g. --${name}=…`);
		flags[name] = value;
		(lists[name] ??= []).push(value);
	}
	return { words, flags, lists };
}

/** A function as the commands name it: "name" (a global function) or "<scope>/<name>". */
export interface FunctionName {
	scope: string;
	name: string;
}

export const GLOBAL_SCOPE = '__global__';

export function readFunctionName(text: string | undefined, usage: string): FunctionName {
	if (!text) throw new UsageError(`Name the function: ${usage}`);
	const slash = text.indexOf('/');
	if (slash < 0) return { scope: GLOBAL_SCOPE, name: text };
	return { scope: text.slice(0, slash), name: text.slice(slash + 1) };
}

/** A positive number of seconds, from a flag. */
export function readSeconds(value: string | true | undefined, flag: string, fallback: number): number {
	if (value === undefined) return fallback;
	const seconds = Number(value);
	if (value === true || !Number.isFinite(seconds) || seconds <= 0) {
		throw new UsageError(`--${flag} is a number of seconds above 0, e.g. --${flag}=30`);
	}
	return seconds;
}

/** A whole number above 0, from a flag. */
export function readCount(value: string | true | undefined, flag: string): number | undefined {
	if (value === undefined) return undefined;
	const count = Number(value);
	if (value === true || !Number.isInteger(count) || count <= 0) throw new UsageError(`--${flag} is a whole number above 0, e.g. --${flag}=20`);
	return count;
}
