// A rehearsal starts a dozen real bot processes on a shared 2-core machine: minutes, not seconds.
// 25 min covers the spec's worst case: its 12-minute cycle budget plus the bounded waits after it
// (the market-load probe and the final settle, each with its start and stop).
module.exports = require('../../jest.preset.cjs')(__dirname, { testTimeout: 1500000 });
