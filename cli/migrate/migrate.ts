// `n8n-functions migrate`: workflows exported from an n8n that ran n8n-nodes-function,
// migrated to this package's nodes. Needs neither Redis nor the addon: it reads and writes
// files only.
import * as path from 'node:path';

import { type CommandLine, UsageError } from '../arguments';
import { type Output, json } from '../output';
import { Findings } from './findings';
import { type MigratedWorkflow, migrateWorkflow } from './migrate-workflow';
import type { Installation } from './node-types';
import { readExports, sourcedWorkflows } from './read-exports';
import { type MigrationResult, reportJson, reportText } from './report';
import { functionKey, planScopes } from './scope-plan';
import { assertWritable, defaultOutputPath, planOutput, writeOutput } from './write-files';

export const MIGRATE_USAGE = `migrate <folder or file> [--check] [--json] [--output=<path>] [--force]
          [--rename=<workflow id>/<function>=<new name>]... [--installed-as=package|extension]
                           workflows exported from an n8n with n8n-nodes-function, moved to this
                           package's nodes (docs/MIGRATION.md): the changed ones are written to
                           <folder>-migrated/ or <file>.migrated.json, with a report;
                           --check: only the report; --output: write there instead;
                           --force: overwrite existing files (never without it);
                           --rename: a name of its own for a function whose global name collides;
                           --installed-as: node types n8n-nodes-functions.* (package) or CUSTOM.*
                           (extension), by default as the old package's were;
                           exit code 1 when a node needs attention`;

/** --rename=<workflow id>/<function>=<new name>, each given once. */
function readRenames(values: string[]): Map<string, string> {
	const renames = new Map<string, string>();
	for (const value of values) {
		const match = /^([^/]+)\/(.+?)=(.+)$/s.exec(value);
		if (!match || match[3].trim() === '') {
			throw new UsageError(`--rename=${value} is not <workflow id>/<function>=<new name>, e.g. --rename=wf123/format=formatInvoice`);
		}
		renames.set(functionKey(match[1], match[2]), match[3].trim());
	}
	return renames;
}

function readInstallation(value: string | true | undefined): Installation | undefined {
	if (value === undefined) return undefined;
	if (value === 'package' || value === 'extension') return value;
	throw new UsageError(
		'--installed-as is "package" (this package installed from npm or Settings > Community Nodes: node types n8n-nodes-functions.*) or "extension" (loaded through N8N_CUSTOM_EXTENSIONS: node types CUSTOM.*)',
	);
}

export function migrate(line: CommandLine, output: Output): number {
	const inputPath = line.words[1];
	if (!inputPath) throw new UsageError(`Name the exported workflows: n8n-functions ${MIGRATE_USAGE.split('\n')[0]}`);
	const checkOnly = Boolean(line.flags.check);
	const renames = readRenames(line.lists.rename ?? []);
	const installation = readInstallation(line.flags['installed-as']);

	const input = readExports(inputPath);
	const workflows = sourcedWorkflows(input);
	const findings = new Findings();
	const plan = planScopes(workflows, renames, findings);
	const migrated = workflows.map((source) => migrateWorkflow(source, plan, { installation }, findings)).filter((entry): entry is MigratedWorkflow => entry !== undefined);

	const outputPath = typeof line.flags.output === 'string' ? path.resolve(line.flags.output) : defaultOutputPath(input);
	const outputPlan = planOutput(input, migrated, outputPath);
	const result: MigrationResult = { input: inputPath, checkOnly, output: outputPath, written: [], workflowsGiven: workflows.length, migrated, plan, findings };
	if (!checkOnly && outputPlan.files.length > 0) {
		assertWritable(outputPlan, Boolean(line.flags.force));
		result.written = [...outputPlan.files.map((file) => file.file), outputPlan.reportFile];
		writeOutput(outputPlan, reportText(result));
	}
	output.out(line.flags.json ? json(reportJson(result)) : reportText(result).trimEnd());
	return findings.of('attention').length > 0 ? 1 : 0;
}
