// A fresh folder and fresh names per run, outside the repo (its node_modules holds an
// n8n-workflow that would shadow n8n's own for the nodes under test).
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const runsRoot = process.env.N8N_E2E_RUNS_DIR || path.join(os.tmpdir(), 'n8n-nodes-functions-e2e');

function createRunFolder(mode) {
	const id = `${Date.now().toString(36)}${crypto.randomBytes(3).toString('hex')}`;
	const dir = path.join(runsRoot, `${mode}-${id}`);
	fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
	return {
		id,
		mode,
		dir,
		logDir: path.join(dir, 'logs'),
		userFolder: path.join(dir, 'n8n-user'),
		extensionParent: path.join(dir, 'custom'),
		encryptionKey: crypto.randomBytes(24).toString('hex'),
		database: `n8n_e2e_${id}`,
		keyPrefix: `e2e-${id}-`, // Bull, n8n and the functions' keys all start with it
	};
}

module.exports = { createRunFolder, runsRoot };
