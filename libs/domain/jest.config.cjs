// Coverage is printed and enforced on every run: the domain is the part other bots install.
module.exports = require('../../jest.preset.cjs')(__dirname, {
  collectCoverage: true,
  collectCoverageFrom: ['src/**/*.ts', '!src/**/*.spec.ts', '!src/index.ts', '!src/**/index.ts'],
  coverageThreshold: { global: { lines: 95 } },
});
