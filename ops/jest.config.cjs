// The scrape spec starts the built server and waits for its loops: seconds, not milliseconds.
// withPostgres: the many-bots spec boots each bot of ops/many-bots on the test run's throwaway Postgres.
const preset = require('../jest.preset.cjs');
module.exports = preset(__dirname, { ...preset.withPostgres, testTimeout: 120000 });
