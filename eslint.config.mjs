// n8n's community-node lint (`npm run lint` = `n8n-node lint`), in its self-hosted mode:
// a package with a native addon cannot be verified for n8n Cloud. README ("Lint") lists
// every rule changed here and why.
import { globalIgnores } from 'eslint/config';
import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';

export default [
	...configWithoutCloudSupport,
	// The lint is for what n8n loads (nodes/, credentials/, package.json); tests, benchmarks and
	// build scripts run tools and processes on purpose.
	globalIgnores(['__test__/', 'e2e/', 'bench/', 'platforms/', 'scripts/', 'test-tools/', 'examples/', 'tests/', 'binaries/', 'index.js', 'index.d.ts']),
	{
		files: ['**/*.ts'],
		rules: {
			// Destructuring to leave a field out (`const { _functionCall, ...rest } = json`) is how the nodes strip the call context.
			'@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
			// Helpers throw errors that carry what to do; every node method turns them into a
			// NodeOperationError at its boundary (nodes/shared/node-error.ts), which the rule cannot see.
			'@n8n/community-nodes/require-node-api-error': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		rules: {
			// It reads n8n's `$json` in expression examples as a miscased "JSON" (and its fix would break them).
			'n8n-nodes-base/node-param-description-miscased-json': 'off',
			// A function parameter's fields read in the order one declares it: Name, Type, Required, Default, Description.
			'n8n-nodes-base/node-param-fixed-collection-type-unsorted-items': 'off',
		},
	},
	{
		files: ['nodes/CallFunction/CallFunction.node.ts'],
		rules: {
			// Its one webhook only resumes its own parked execution (restartWebhook, as n8n's Wait
			// node's): nothing is registered with a third-party service, so there is nothing to create.
			'@n8n/community-nodes/webhook-lifecycle-complete': 'off',
		},
	},
	{
		files: ['nodes/ReturnFromFunction/**/*.ts'],
		rules: {
			// Return from Function answers the call that started its execution: as an AI agent's tool it has nothing to answer.
			'@n8n/community-nodes/node-usable-as-tool': 'off',
		},
	},
];
