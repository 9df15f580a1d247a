// Node type names: the old package's and this one's, installed from npm (as a community
// package, `<package>.<node>`) or loaded as a custom extension (`CUSTOM.<node>`).

export const OLD_PACKAGE = 'n8n-nodes-function';
export const THIS_PACKAGE = 'n8n-nodes-functions';
export const CUSTOM = 'CUSTOM';

/** How this package is installed in the n8n the migrated workflows go to. */
export type Installation = 'package' | 'extension';

export const OUR_NODES = {
	functionTrigger: 'functionTrigger',
	callFunction: 'callFunction',
	returnFromFunction: 'returnFromFunction',
} as const;

export const CODE_NODE_TYPE = 'n8n-nodes-base.code';
export const CODE_NODE_VERSION = 2;

/** The prefix and node name of a type, e.g. ["CUSTOM", "callFunction"]. */
export function splitType(type: string): [string, string] {
	const dot = type.lastIndexOf('.');
	return dot < 0 ? ['', type] : [type.slice(0, dot), type.slice(dot + 1)];
}

export function ourType(node: keyof typeof OUR_NODES, installation: Installation): string {
	return `${installation === 'package' ? THIS_PACKAGE : CUSTOM}.${OUR_NODES[node]}`;
}
