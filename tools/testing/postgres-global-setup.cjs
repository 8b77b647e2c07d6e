// Jest global setup for the projects whose specs run on Postgres (jest.preset.cjs `withPostgres`):
// a throwaway cluster per test run (tools/scripts/throwaway-postgres.cjs), its URL handed to the
// workers as CAB_TEST_PG_URL. A URL given already (a cluster shared by several runs) is reused and
// left running. A failed start is not thrown here: the non-Postgres specs still run, and every
// Postgres spec fails with CAB_TEST_PG_ERROR (docs/postgres.md, "Tests").
const { startThrowawayPostgres } = require('../scripts/throwaway-postgres.cjs');

module.exports = async function setup() {
  if (process.env.CAB_TEST_PG_URL) return;
  try {
    const pg = await startThrowawayPostgres();
    globalThis.__CAB_TEST_PG__ = pg;
    process.env.CAB_TEST_PG_URL = pg.url;
  } catch (e) {
    process.env.CAB_TEST_PG_ERROR = `no Postgres for the tests: ${e instanceof Error ? e.message : String(e)}`;
  }
};
