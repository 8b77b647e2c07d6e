// Stops the cluster postgres-global-setup.cjs started (not one it was given).
module.exports = async function teardown() {
  const pg = globalThis.__CAB_TEST_PG__;
  if (pg) {
    globalThis.__CAB_TEST_PG__ = undefined;
    delete process.env.CAB_TEST_PG_URL;
    pg.stop();
  }
};
