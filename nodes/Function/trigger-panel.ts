// What the Function node's trigger panel (the editor's input side) says: whether the function
// is being served, and where its calls wait. n8n shows these texts as they are, one for an
// active workflow and one for an inactive one (it fills in nothing of the node's own).
import type { TriggerPanelDefinition } from 'n8n-workflow';

const STREAM = '<code>fn:{&lt;scope&gt;/&lt;name&gt;}:calls</code>';

const WHERE = `In queue mode its calls wait in the Redis stream ${STREAM} (scope <code>__global__</code> for a global function, this workflow's id for a local one) until this n8n's main process takes them; in regular mode they stay inside this n8n process.`;

const SEE = 'To see its live triggers, open calls and dead letters, run the package\'s <code>n8n-functions status</code> where n8n runs; <code>n8n-functions watch</code> shows every call as it happens.';

export const functionTriggerPanel: TriggerPanelDefinition = {
	header: 'Waiting for calls from Call Function nodes',
	executionsHelp: {
		active: `<b>Serving.</b> This workflow is active: every call of this function starts one execution of it. ${WHERE} ${SEE}`,
		inactive: `<b>Not serving.</b> This workflow is not active, so calls to this function fail (or wait a few seconds when n8n is restarting). Publish the workflow to serve it; to try it now, test this step and make one call. ${WHERE} ${SEE}`,
	},
	activationHint: {
		active: `<b>Serving:</b> its calls come through the Redis stream ${STREAM} in queue mode, or stay in this n8n process in regular mode.`,
		inactive: '<b>Not serving:</b> publish the workflow so that Call Function nodes can call this function.',
	},
};
