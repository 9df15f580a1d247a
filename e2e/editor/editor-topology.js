// The n8n the editor tour runs against, as the author used it: queue mode (main + one
// worker, PostgreSQL, Redis), the package installed from its npm tarball, no credential made.
'use strict';
const { startN8nTopology } = require('../support/topology');
const { waitForLiveFunctions } = require('../support/functions');
const { TOUR_FILES, TOUR_FUNCTION } = require('./tour');

async function startEditorTopology() {
	const n8n = await startN8nTopology({ mode: 'queue', workers: 1, install: 'package', workflowFiles: Object.values(TOUR_FILES) });
	try {
		if (!n8n.extension.hasNodes) throw new Error(`no dist/ in ${n8n.extension.folder}: run \`npm run build\` first`);
		await n8n.timer.time('activate', async () => {
			await n8n.activate(TOUR_FUNCTION.workflowId);
			await waitForLiveFunctions(n8n, [TOUR_FUNCTION]);
		});
		return n8n;
	} catch (error) {
		await n8n.stop({ failed: true });
		throw error;
	}
}

module.exports = { startEditorTopology };
