// What the event feed costs: calls/s and p50 latency with the feed on ("addon") against off
// ("addon-feed-off", N8N_FUNCTIONS_EVENTS_MAX_LEN=0), at 1, 16 and 256 calls in flight, in
// many short rounds (bench/support/on-off.js).
//   node bench/core/feed.js [--quick]
'use strict';
const { runMain } = require('../support/options');
const { compareOnOff } = require('../support/on-off');

const main = () => compareOnOff({ name: 'feed', title: 'Event feed: on against off', what: 'feed', on: 'addon', off: 'addon-feed-off' });

if (require.main === module) runMain(main);
