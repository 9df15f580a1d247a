// Measures named phases so every run says where its time went.
'use strict';

function phaseTimer() {
	const phases = [];
	return {
		phases,
		async time(name, fn) {
			const started = Date.now();
			try {
				return await fn();
			} finally {
				phases.push({ name, seconds: (Date.now() - started) / 1000 });
			}
		},
		summary(title) {
			return `${title}: ${phases.map((p) => `${p.name} ${p.seconds.toFixed(1)} s`).join(', ')}`;
		},
	};
}

module.exports = { phaseTimer };
