// The workflows to migrate, as `n8n export:workflow` writes them: a folder of one file per
// workflow (--separate), or one file holding an array of workflows, or one workflow.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { UsageError } from '../arguments';
import type { SourcedWorkflow, WorkflowJson } from './workflow-json';

export interface InputFile {
	file: string;
	/** How the file holds its workflows, so the migrated copy holds them the same way. */
	holds: 'one' | 'array';
	workflows: WorkflowJson[];
}

export interface Input {
	path: string;
	kind: 'folder' | 'file';
	files: InputFile[];
}

function isWorkflow(value: unknown): value is WorkflowJson {
	return typeof value === 'object' && value !== null && Array.isArray((value as WorkflowJson).nodes);
}

function readFile(file: string): InputFile {
	let json: unknown;
	try {
		json = JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch (error) {
		throw new UsageError(`${file} is not a workflow export: ${(error as Error).message}. Give the files n8n export:workflow wrote.`);
	}
	const holds = Array.isArray(json) ? 'array' : 'one';
	const list = Array.isArray(json) ? json : [json];
	list.forEach((workflow, index) => {
		if (!isWorkflow(workflow)) {
			const where = holds === 'array' ? `element ${index} of ${file}` : file;
			throw new UsageError(`${where} is not a workflow (it has no "nodes" list). Give the files n8n export:workflow wrote.`);
		}
		workflow.connections ??= {};
	});
	return { file, holds, workflows: list as WorkflowJson[] };
}

export function readExports(inputPath: string): Input {
	if (!fs.existsSync(inputPath)) {
		throw new UsageError(`There is no file or folder ${inputPath}. Export the workflows first: n8n export:workflow --all --separate --output=<folder>`);
	}
	if (!fs.statSync(inputPath).isDirectory()) return { path: inputPath, kind: 'file', files: [readFile(inputPath)] };
	// As `n8n import:workflow --separate` reads a folder: its *.json files, not its subfolders.
	const names = fs
		.readdirSync(inputPath)
		.filter((name) => name.endsWith('.json') && fs.statSync(path.join(inputPath, name)).isFile())
		.sort();
	if (names.length === 0) throw new UsageError(`${inputPath} holds no .json files. Export the workflows into it: n8n export:workflow --all --separate --output=${inputPath}`);
	return { path: inputPath, kind: 'folder', files: names.map((name) => readFile(path.join(inputPath, name))) };
}

export function sourcedWorkflows(input: Input): SourcedWorkflow[] {
	return input.files.flatMap(({ file, workflows }) => workflows.map((workflow) => ({ workflow, file })));
}
