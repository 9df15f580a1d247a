// The "Docs" links n8n shows on each node and on the credential lead to that part of the
// README (npm renders it with GitHub's heading anchors), and the README's pictures exist.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { FunctionsRedisApi } from '../../credentials/FunctionsRedisApi.credentials';
import { CallFunction } from '../../nodes/CallFunction/CallFunction.node';
import { FunctionTrigger } from '../../nodes/Function/FunctionTrigger.node';
import { FunctionTools } from '../../nodes/FunctionTools/FunctionTools.node';
import { ReturnFromFunction } from '../../nodes/ReturnFromFunction/ReturnFromFunction.node';

const root = path.join(__dirname, '..', '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const PACKAGE_PAGE = 'https://www.npmjs.com/package/n8n-nodes-functions';

/** GitHub's (and npm's) anchor of a heading: lower case, punctuation dropped, spaces to dashes. */
function anchorOf(heading: string): string {
	return heading
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N}\s-]/gu, '')
		.replace(/\s/g, '-');
}

const anchors = new Set([...readme.matchAll(/^#{1,6} (.+)$/gm)].map((match) => anchorOf(match[1])));

function codexUrl(codexFile: string): string {
	const codex = JSON.parse(fs.readFileSync(path.join(root, 'nodes', codexFile), 'utf8')) as {
		resources: { primaryDocumentation: Array<{ url: string }> };
	};
	return codex.resources.primaryDocumentation[0].url;
}

describe('documentation links', () => {
	it.each([
		['Function/FunctionTrigger.node.json', 'function-trigger'],
		['CallFunction/CallFunction.node.json', 'call-function'],
		['ReturnFromFunction/ReturnFromFunction.node.json', 'return-from-function'],
		['FunctionTools/FunctionTools.node.json', 'function-tools'],
	])("%s links to the README's section on its node", (codexFile, anchor) => {
		expect(codexUrl(codexFile)).toBe(`${PACKAGE_PAGE}#${anchor}`);
		expect(anchors).toContain(anchor);
	});

	it.each([
		['Function Trigger', new FunctionTrigger(), 'function-trigger'],
		['Call Function', new CallFunction(), 'call-function'],
		['Return from Function', new ReturnFromFunction(), 'return-from-function'],
		['Function Tools', new FunctionTools(), 'function-tools'],
	])("the node panel's Docs link of %s leads to the same section", (_name, node, anchor) => {
		// n8n's node panel opens documentationUrl as given, but appends "?utm_…" to the codex URL.
		expect(node.description.documentationUrl).toBe(`${PACKAGE_PAGE}#${anchor}`);
	});

	it("the credential links to the README's section on it", () => {
		const url = new URL(new FunctionsRedisApi().documentationUrl);
		expect(`${url.origin}${url.pathname}`).toBe(PACKAGE_PAGE);
		expect(anchors).toContain(url.hash.slice(1));
	});

	it('every picture the README shows is in the repository', () => {
		const pictures = [...readme.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((match) => match[1]);
		expect(pictures.length).toBeGreaterThan(0);
		for (const picture of pictures) expect(fs.existsSync(path.join(root, picture))).toBe(true);
	});
});
