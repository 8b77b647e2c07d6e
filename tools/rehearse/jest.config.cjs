// A rehearsal starts a dozen real bot processes on a shared 2-core machine: minutes, not seconds.
module.exports = require('../../jest.preset.cjs')(__dirname, { testTimeout: 900000 });
