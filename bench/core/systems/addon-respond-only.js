// The addon minus the Function trigger's end-of-execution report (ServedFunction.finished):
// what one call costs when only Return from Function's answer is counted.
'use strict';
const addon = require('./addon');

module.exports = {
	...addon,
	id: 'addon-respond-only',
	label: 'addon, respond only (no finished())',
	startServer: (options) => addon.startServer({ ...options, finish: false }),
};
