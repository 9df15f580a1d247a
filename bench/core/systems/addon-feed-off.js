// The addon with its event feed off (N8N_FUNCTIONS_EVENTS_MAX_LEN=0), under a key prefix of
// its own: set against "addon" in the same run, it shows what recording events costs.
'use strict';
const addon = require('./addon');

/** Builds with the feed off; the setting is read when a client is made. */
function feedOff(make) {
	return async (options) => {
		const before = process.env.N8N_FUNCTIONS_EVENTS_MAX_LEN;
		process.env.N8N_FUNCTIONS_EVENTS_MAX_LEN = '0';
		try {
			return await make({ ...options, prefix: `${options.prefix}feed-off:` });
		} finally {
			if (before === undefined) delete process.env.N8N_FUNCTIONS_EVENTS_MAX_LEN;
			else process.env.N8N_FUNCTIONS_EVENTS_MAX_LEN = before;
		}
	};
}

module.exports = {
	...addon,
	id: 'addon-feed-off',
	label: 'addon, event feed off',
	startServer: feedOff(addon.startServer),
	startClient: feedOff(addon.startClient),
};
