// n8n's internal REST API, as the editor uses it: owner setup, login cookie, workflows, executions.
'use strict';

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
		return this.request('POST', `/workflows/${id}/activate`, { versionId });
	}

	deactivate(id) {
		return this.request('POST', `/workflows/${id}/deactivate`, {});
	}

	/** The recorded executions of a workflow, newest first. */
	async executions(workflowId) {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const data = await this.request('GET', `/executions?filter=${filter}`);
		return data.results;
	}

	execution(id) {
		return this.request('GET', `/executions/${id}`);
	}
}

module.exports = { RestClient, OWNER };
