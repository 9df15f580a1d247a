// What n8n metrics cost (N8N_METRICS=true: the addon counting every call, its run and its
// duration): calls/s and p50 latency with metrics on ("addon-metrics") against off ("addon",
// the default), at 1, 16 and 256 calls in flight, in many short rounds
// (bench/support/on-off.js). Both have the event feed on, as by default.
//   node bench/core/metrics.js [--quick]
'use strict';
const { runMain } = require('../support/options');
const { compareOnOff } = require('../support/on-off');

const main = () => compareOnOff({ name: 'metrics', title: 'Metrics: on against off', what: 'metrics', on: 'addon-metrics', off: 'addon' });

if (require.main === module) runMain(main);
