const preset = require('../../jest.preset.cjs');
// withPostgres: the instance-lock spec runs real workers on the test run's throwaway Postgres.
module.exports = preset(__dirname, preset.withPostgres);
