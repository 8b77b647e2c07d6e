/**
 * Where the test suites' throwaway Postgres is (tools/testing/postgres-global-setup.cjs sets it
 * for the jest workers). Read here because ENV has one reader, this module; only the testing
 * helpers call it.
 */
export function testPostgresEnv(): { url: string | null; error: string | null } {
  return { url: process.env['CAB_TEST_PG_URL'] ?? null, error: process.env['CAB_TEST_PG_ERROR'] ?? null };
}
