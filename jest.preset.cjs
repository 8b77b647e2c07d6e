// Shared jest settings for every project: swc transforms TS fast (type-checking is the separate
// `typecheck` target), and ccxt's ESM-only @noble/@scure dependencies are transformed too.
// testTimeout is a ceiling for a hung test, never a speed assertion: specs start real servers, child
// processes and SQLite files, and on a busy machine (the suite run next to a build, CI on 2 cores)
// jest's 5 s default failed specs that were only slow. A spec that waits for something polls until
// it happens and leaves the limit to this ceiling (tools/workspace-checks/src/test-timeouts.spec.ts).
const TEST_TIMEOUT_MS = 120_000;
const path = require('node:path');

/** @param {string} projectDir absolute path of the project using the preset */
function preset(projectDir, extra = {}) {
  const rel = path.relative(__dirname, projectDir);
  return {
    displayName: rel,
    rootDir: projectDir,
    testEnvironment: 'node',
    testTimeout: TEST_TIMEOUT_MS,
    transform: {
      '^.+\\.(t|j|mj)s$': [
        '@swc/jest',
        {
          jsc: {
            parser: { syntax: 'typescript', decorators: false },
            target: 'es2022',
          },
          module: { type: 'commonjs' },
          sourceMaps: 'inline',
        },
      ],
    },
    transformIgnorePatterns: ['/node_modules/(?!(@noble|@scure)/)'],
    moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
    moduleNameMapper: {
      '^@cab/domain$': path.join(__dirname, 'libs/domain/src/index.ts'),
      '^@cab/domain/testing$': path.join(__dirname, 'libs/domain/src/testing.ts'),
      '^@cab/application$': path.join(__dirname, 'libs/application/src/index.ts'),
      '^@cab/application/testing$': path.join(__dirname, 'libs/application/src/testing.ts'),
      '^@cab/infrastructure$': path.join(__dirname, 'libs/infrastructure/src/index.ts'),
      '^@cab/infrastructure/testing$': path.join(__dirname, 'libs/infrastructure/src/testing.ts'),
    },
    testMatch: ['<rootDir>/**/*.spec.ts'],
    coverageDirectory: path.join(__dirname, 'coverage', rel),
    coverageReporters: ['text-summary', 'json-summary'],
    ...extra,
  };
}

/**
 * For projects with specs on Postgres: a throwaway cluster per run (tools/testing), its URL in
 * CAB_TEST_PG_URL. Usage: `preset(__dirname, withPostgres)`.
 */
const withPostgres = {
  globalSetup: path.join(__dirname, 'tools/testing/postgres-global-setup.cjs'),
  globalTeardown: path.join(__dirname, 'tools/testing/postgres-global-teardown.cjs'),
};

module.exports = preset;
module.exports.TEST_TIMEOUT_MS = TEST_TIMEOUT_MS;
module.exports.withPostgres = withPostgres;
