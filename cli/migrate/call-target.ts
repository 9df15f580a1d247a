// Which function an old Call Function calls: the workflow its workflow selector holds and
// the function name, as far as they can be known without running it.

/** The old package's placeholders in "Function Name" when nothing could be chosen. */
const PLACEHOLDER_NAMES = new Set(['__no_functions__', '__no_workflow_selected__', '__activate_workflow__']);

export type OldTarget = { workflowId: string; name: string } | { problem: string; workflowId?: string; name?: string };

function isExpression(value: unknown): value is string {
	return typeof value === 'string' && value.startsWith('=');
}

/** `={{ $workflow.id }}` however it is spaced: the calling workflow itself. */
function isOwnWorkflowExpression(value: string): boolean {
	return /^=\{\{\s*\$workflow\.id\s*\}\}$/.test(value.trim());
}

/** A workflow's id from the editor's link to it (the selector's "By URL" mode). */
function idFromUrl(url: string): string | undefined {
	return /\/workflow\/([^/?#]+)/.exec(url)?.[1];
}

function readWorkflowId(raw: unknown, callerWorkflowId: string): { workflowId: string } | { problem: string } {
	const locator = typeof raw === 'object' && raw !== null ? (raw as { value?: unknown; mode?: unknown }) : undefined;
	const value = locator ? locator.value : raw;
	if (value === undefined || value === null || value === '') {
		return { problem: 'no workflow is chosen in it (the old package failed such calls: "Please select a workflow first")' };
	}
	if (isExpression(value)) {
		if (isOwnWorkflowExpression(value)) return { workflowId: callerWorkflowId };
		return { problem: `its workflow is chosen by the expression ${JSON.stringify(value.slice(1))}, so which function it calls is only known when it runs` };
	}
	const text = String(value).trim();
	if (locator?.mode === 'url') {
		const id = idFromUrl(text);
		return id ? { workflowId: id } : { problem: `its workflow is given by the link ${JSON.stringify(text)}, which names no workflow` };
	}
	return { workflowId: text };
}

export function readOldTarget(workflowValue: unknown, functionName: string, callerWorkflowId: string): OldTarget {
	const workflow = readWorkflowId(workflowValue, callerWorkflowId);
	// Names are compared exactly, as the old package looked them up.
	const name = functionName;
	const workflowId = 'workflowId' in workflow ? workflow.workflowId : undefined;
	if ('problem' in workflow) return { problem: workflow.problem, name: name.trim() ? name : undefined };
	if (name.trim() === '' || PLACEHOLDER_NAMES.has(name)) {
		return { problem: 'no function is chosen in it (the old package failed such calls: "Please select a valid function")', workflowId };
	}
	if (isExpression(name)) {
		return { problem: `its function is chosen by the expression ${JSON.stringify(name.slice(1))}, so which function it calls is only known when it runs`, workflowId };
	}
	return { workflowId: workflow.workflowId, name };
}
