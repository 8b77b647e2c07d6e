const preset = require('../../jest.preset.cjs');
// withPostgres: many-bots.e2e runs two built servers on the test run's throwaway Postgres.
module.exports = preset(__dirname, preset.withPostgres);
