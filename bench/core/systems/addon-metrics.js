// The addon counting calls for n8n's metrics (what the nodes turn on with N8N_METRICS=true),
// under a key prefix of its own: set against "addon" in the same run, it shows what counting
// costs. Metrics are on for the engines a process makes after enableMetrics(), so a process
// comparing both makes the "addon" client first.
'use strict';
const path = require('node:path');
const addon = require('./addon');

const { enableMetrics } = require(path.join(__dirname, '..', '..', '..', 'index.js'));

function metricsOn(make) {
	return (options) => {
		enableMetrics();
		return make({ ...options, prefix: `${options.prefix}metrics:` });
	};
}

module.exports = {
	...addon,
	id: 'addon-metrics',
	label: 'addon, metrics on',
	startServer: metricsOn(addon.startServer),
	startClient: metricsOn(addon.startClient),
};
