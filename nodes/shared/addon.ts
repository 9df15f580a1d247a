// Loads the native addon on first use only: n8n refuses the whole package when a node
// module throws while loading, so nothing here runs at import time.
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { AddonModule } from './addon-types';

export const PACKAGE_NAME = 'n8n-nodes-functions';

/** The addon could not be loaded; `description` says what to do. */
export class AddonLoadError extends Error {
	override readonly name = 'AddonLoadError';

	constructor(
		message: string,
		readonly description: string,
	) {
		super(message);
	}
}

function isPackageRoot(dir: string): boolean {
	try {
		const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown };
		return manifest.name === PACKAGE_NAME;
	} catch {
		return false;
	}
}

/**
 * The package root (where index.js, the napi loader, lives). Found by walking up from this
 * file, so it works from dist/nodes/shared (installed) and from nodes/shared (tests).
 */
export function findPackageRoot(start: string = __dirname): string {
	let dir = start;
	for (;;) {
		if (isPackageRoot(dir)) return dir;
		const parent = path.dirname(dir);
		if (parent === dir) break;
		dir = parent;
	}
	// Installed layout: <root>/dist/nodes/shared.
	return path.join(start, '..', '..', '..');
}

let loaded: AddonModule | undefined;

export function loadAddon(): AddonModule {
	if (loaded) return loaded;
	const entry = path.join(findPackageRoot(), 'index.js');
	try {
		// eslint-disable-next-line @typescript-eslint/no-require-imports -- a run-time require, so the addon loads on first use, not with the node
		loaded = require(entry) as AddonModule;
		return loaded;
	} catch (error) {
		// Node appends the require stack to the message; the first line says what is missing.
		const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
		throw new AddonLoadError(
			`The native part of ${PACKAGE_NAME} could not be loaded from ${entry}: ${reason}`,
			`Reinstall the community package ${PACKAGE_NAME} (Settings > Community Nodes) and restart n8n. ` +
				`If the message says there is no native binary for your platform, this version has none prebuilt for it: ` +
				`run n8n on a platform it names, or build the binary from source as the message says. Every n8n process (main and workers) needs it.`,
		);
	}
}
