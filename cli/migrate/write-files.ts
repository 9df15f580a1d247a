// Where the migrated copies go, beside the input and never over an existing file unless
// asked (--force), and writing them: only the workflows that changed, held as the input held
// them, ready for `n8n import:workflow`; and the report as text beside them.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { UsageError } from '../arguments';
import type { MigratedWorkflow } from './migrate-workflow';
import type { Input } from './read-exports';

/** The report's file name in an output folder: not .json, which `n8n import:workflow --separate` would read as a workflow. */
export const REPORT_FILE = 'migration-report.txt';

export interface OutputFile {
	file: string;
	content: string;
}

export interface OutputPlan {
	/** The output folder (folder input) or file (file input). */
	path: string;
	files: OutputFile[];
	reportFile: string;
}

/** `exports/` → `exports-migrated/`; `workflows.json` → `workflows.migrated.json`. */
export function defaultOutputPath(input: Input): string {
	const resolved = path.resolve(input.path);
	if (input.kind === 'folder') return `${resolved}-migrated`;
	const extension = path.extname(resolved);
	return `${resolved.slice(0, resolved.length - extension.length)}.migrated${extension || '.json'}`;
}

function reportFileFor(input: Input, output: string): string {
	if (input.kind === 'folder') return path.join(output, REPORT_FILE);
	const extension = path.extname(output);
	return `${output.slice(0, output.length - extension.length)}.report.txt`;
}

function json(value: unknown): string {
	return `${JSON.stringify(value, null, 2)}\n`;
}

export function planOutput(input: Input, migrated: MigratedWorkflow[], output: string): OutputPlan {
	const byWorkflow = new Map(migrated.map((entry) => [entry.source.workflow, entry.workflow]));
	const files: OutputFile[] = [];
	for (const inputFile of input.files) {
		const changed = inputFile.workflows.filter((workflow) => byWorkflow.has(workflow)).map((workflow) => byWorkflow.get(workflow));
		if (changed.length === 0) continue;
		const file = input.kind === 'folder' ? path.join(output, path.basename(inputFile.file)) : output;
		files.push({ file, content: json(inputFile.holds === 'array' ? changed : changed[0]) });
	}
	return { path: output, files, reportFile: reportFileFor(input, output) };
}

/** Refuses, before anything is written, to overwrite a file (or fill a folder already in use) unless forced. */
export function assertWritable(plan: OutputPlan, force: boolean): void {
	if (force) return;
	const existing = [...plan.files.map((file) => file.file), plan.reportFile].filter((file) => fs.existsSync(file));
	if (existing.length > 0) {
		throw new UsageError(`${existing[0]} already exists${existing.length > 1 ? ` (and ${existing.length - 1} more)` : ''}: migrate writes beside the input and overwrites nothing unless you add --force, or choose another place with --output=<path>.`);
	}
	const folder = fs.existsSync(plan.path) && fs.statSync(plan.path).isDirectory() ? plan.path : undefined;
	if (folder && plan.files.some((file) => path.dirname(file.file) === folder) && fs.readdirSync(folder).length > 0) {
		throw new UsageError(`${folder} is not empty, and n8n import:workflow --separate would read every workflow in it: choose an empty folder with --output=<folder>, or add --force to write into it anyway.`);
	}
}

export function writeOutput(plan: OutputPlan, report: string): string[] {
	for (const { file, content } of plan.files) {
		fs.mkdirSync(path.dirname(file), { recursive: true });
		fs.writeFileSync(file, content);
	}
	fs.mkdirSync(path.dirname(plan.reportFile), { recursive: true });
	fs.writeFileSync(plan.reportFile, report);
	return [...plan.files.map((file) => file.file), plan.reportFile];
}
