// Linting and packing take seconds, not milliseconds.
module.exports = require('../../jest.preset.cjs')(__dirname, { testTimeout: 120000 });
