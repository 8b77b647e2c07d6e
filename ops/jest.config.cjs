// The scrape spec starts the built server and waits for its loops: seconds, not milliseconds.
module.exports = require('../jest.preset.cjs')(__dirname, { testTimeout: 120000 });
