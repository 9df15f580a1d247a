// n8n's internal REST API, as the editor uses it: owner setup, login cookie, workflows,
// executions, and the dynamic node parameters (live dropdowns and fields) of a node.
'use strict';
const { createRequire } = require('node:module');
const path = require('node:path');
const { n8nDir } = require('./cache-paths');

// n8n sends an execution's data as flatted JSON (circular references allowed).
const flatted = createRequire(path.join(n8nDir, 'package.json'))('flatted');

const OWNER = { email: 'owner@e2e.test', firstName: 'E2e', lastName: 'Owner', password: 'E2e-owner-password-1' };
const BROWSER_ID = 'n8n-nodes-functions-e2e'; // the session cookie is bound to it

class RestClient {
	constructor(baseUrl) {
		this.baseUrl = baseUrl;
		this.cookie = '';
	}

	/** Sends a request and returns the `data` of n8n's `{data}` envelope; throws with n8n's message. */
	async request(method, path, body) {
		const response = await fetch(`${this.baseUrl}/rest${path}`, {
			method,
			headers: { 'content-type': 'application/json', 'browser-id': BROWSER_ID, cookie: this.cookie },
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(30_000),
		});
		const text = await response.text();
		const setCookie = response.headers.getSetCookie?.() ?? [];
		const auth = setCookie.find((c) => c.startsWith('n8n-auth='));
		if (auth) this.cookie = auth.split(';')[0];
		if (!response.ok) throw new Error(`${method} /rest${path} answered ${response.status}: ${text.slice(0, 500)}`);
		return text ? JSON.parse(text).data : undefined;
	}

	/** Creates the owner on a fresh instance and logs in as them. */
	async setupOwnerAndLogin() {
		await this.request('POST', '/owner/setup', OWNER);
		await this.request('POST', '/login', { emailOrLdapLoginId: OWNER.email, password: OWNER.password });
		if (!this.cookie) throw new Error('POST /rest/login set no n8n-auth cookie');
	}

	getWorkflow(id) {
		return this.request('GET', `/workflows/${id}`);
	}

	/** Publishes the workflow's current version; the running main starts its triggers. */
	async activate(id) {
		const { versionId } = await this.getWorkflow(id);
		return this.publish(id, versionId);
	}

	/** Publishes a saved version (the editor's "Publish"): it replaces the active one. */
	publish(id, versionId) {
		return this.request('POST', `/workflows/${id}/activate`, { versionId });
	}

	/**
	 * Saves the workflow as the editor does (PATCH with its nodes and connections), after
	 * `change(workflow)` edited them; returns the saved workflow with its new versionId.
	 */
	async saveWorkflow(id, change) {
		const workflow = await this.getWorkflow(id);
		change(workflow);
		const { name, nodes, connections, settings } = workflow;
		return this.request('PATCH', `/workflows/${id}`, { name, nodes, connections, settings });
	}

	deactivate(id) {
		return this.request('POST', `/workflows/${id}/deactivate`, {});
	}

	/** The recorded executions of a workflow (the newest 100), newest first. */
	async executions(workflowId) {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const data = await this.request('GET', `/executions?limit=100&filter=${filter}`);
		return data.results;
	}

	/** One execution with its data parsed (`data.resultData.runData[node][run].data.main[0]`: items). */
	async execution(id) {
		const execution = await this.request('GET', `/executions/${id}`);
		if (typeof execution.data === 'string') execution.data = flatted.parse(execution.data);
		return execution;
	}

	/**
	 * What the editor asks for a node's parameter with a list or fields loaded by the node:
	 * `kind` 'resource-locator-results' (a dropdown: listSearch method) or
	 * 'resource-mapper-fields' (generated fields: resourceMapping method).
	 */
	dynamicParameters(kind, { nodeType, version = 1, path: parameterPath, methodName, parameters, workflowId, filter }) {
		const body = {
			nodeTypeAndVersion: { name: nodeType, version },
			path: parameterPath,
			methodName,
			currentNodeParameters: parameters,
			workflowId,
		};
		if (filter !== undefined) body.filter = filter;
		return this.request('POST', `/dynamic-node-parameters/${kind}`, body);
	}
}

module.exports = { RestClient, OWNER };
