// Proves every layer rule bites: a fixture per forbidden import is linted from inside the
// project folder (Nx runs `eslint .` there) and must fail with the expected rule. Allowed
// imports are linted too, so an over-eager rule fails as loudly as a silent one.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/** Lints every case in one child process (see lint-cases.mjs for why a child). */
function lintAll(cases: { project: string; file: string; code: string }[]): string[][] {
  const r = spawnSync(process.execPath, [path.join(__dirname, 'lint-cases.mjs')], {
    input: JSON.stringify(cases),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`lint-cases failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as string[][];
}

const use = (spec: string) => `import * as x from '${spec}';\nexport const y = x;\n`;

type Case = [project: string, file: string, code: string, rule: string];

const forbidden: Case[] = [
  // domain imports nothing of ours
  ['libs/domain', 'src/fixture.ts', use('@cab/application'), 'boundaries/dependencies'],
  ['libs/domain', 'src/fixture.ts', use('@cab/infrastructure'), 'boundaries/dependencies'],
  ['libs/domain', 'src/fixture.ts', use('../../application/src/index'), 'boundaries/dependencies'],
  ['libs/domain', 'src/market/fixture.ts', use('../../../infrastructure/src/settings'), 'boundaries/dependencies'],
  // … no I/O or framework package …
  ...['ccxt', 'kysely', 'better-sqlite3', 'express', 'winston', 'prom-client', 'yargs'].map((pkg): Case => [
    'libs/domain',
    'src/fixture.ts',
    use(pkg),
    'no-restricted-imports',
  ]),
  ...['ccxt', 'kysely', 'express'].map((pkg): Case => ['libs/domain', 'src/fixture.ts', use(pkg), 'boundaries/dependencies']),
  // … and no Node I/O module
  ...['fs', 'node:fs', 'fs/promises', 'net', 'node:net', 'http', 'node:http', 'child_process', 'node:child_process'].map((mod): Case => [
    'libs/domain',
    'src/fixture.ts',
    use(mod),
    'no-restricted-imports',
  ]),
  ['libs/domain', 'src/fixture.ts', use('node:os'), 'boundaries/dependencies'],
  // application imports domain only
  ['libs/application', 'src/fixture.ts', use('@cab/infrastructure'), 'boundaries/dependencies'],
  ['libs/application', 'src/fixture.ts', use('../../infrastructure/src/index'), 'boundaries/dependencies'],
  ...['ccxt', 'kysely', 'better-sqlite3', 'express', 'winston', 'prom-client', 'yargs'].map((pkg): Case => [
    'libs/application',
    'src/fixture.ts',
    use(pkg),
    'no-restricted-imports',
  ]),
  ...['fs', 'node:fs', 'net', 'http', 'child_process'].map((mod): Case => ['libs/application', 'src/fixture.ts', use(mod), 'no-restricted-imports']),
  // libs never import apps
  ['libs/domain', 'src/fixture.ts', use('../../../apps/server/src/main'), 'boundaries/dependencies'],
  ['libs/application', 'src/fixture.ts', use('../../../apps/cli/src/cli'), 'boundaries/dependencies'],
  ['libs/infrastructure', 'src/fixture.ts', use('../../../apps/cli/src/cli'), 'boundaries/dependencies'],
  // driven adapters never import the driving side (http, cli, composition)
  ['libs/infrastructure', 'src/driven/venue/fixture.ts', use('../../driving/compose'), 'boundaries/dependencies'],
  ['libs/infrastructure', 'src/driven/storage/tables/fixture.ts', use('../../../driving/http'), 'boundaries/dependencies'],
  ['libs/infrastructure', 'src/driven/fixture.ts', use('../../../../apps/cli/src/cli'), 'boundaries/dependencies'],
  ['libs/domain', 'src/fixture.ts', use('../../infrastructure/src/driven/venue/gate/gate-venue'), 'boundaries/dependencies'],
  ['libs/application', 'src/fixture.ts', use('../../infrastructure/src/driving/compose'), 'boundaries/dependencies'],
  // apps import libs, not each other
  ['apps/server', 'src/fixture.ts', use('../../cli/src/cli'), 'boundaries/dependencies'],
  // process.env only in infrastructure's settings module
  ['libs/infrastructure', 'src/driven/storage/fixture.ts', 'export const p = process.env.DB_PATH;\n', 'no-restricted-properties'],
  ['apps/server', 'src/fixture.ts', "export const p = process.env['PORT'];\n", 'no-restricted-properties'],
  ['libs/application', 'src/fixture.ts', 'export const p = process.env.MODE;\n', 'no-restricted-properties'],
  ['libs/domain', 'src/fixture.ts', 'export const p = process.env.MODE;\n', 'no-restricted-properties'],
  // Date.now, new Date() and Math.random nowhere in domain or application
  ['libs/domain', 'src/fixture.ts', 'export const t = Date.now();\n', 'no-restricted-properties'],
  ['libs/domain', 'src/fixture.ts', 'export const r = Math.random();\n', 'no-restricted-properties'],
  ['libs/domain', 'src/fixture.ts', 'export const d = new Date();\n', 'no-restricted-syntax'],
  ['libs/application', 'src/fixture.ts', 'export const t = Date.now();\n', 'no-restricted-properties'],
  ['libs/application', 'src/fixture.ts', 'export const r = Math.random();\n', 'no-restricted-properties'],
  ['libs/application', 'src/use-cases/fixture.ts', 'export const d = new Date();\n', 'no-restricted-syntax'],
  // … not even in their specs: tests use FakeClock
  ['libs/domain', 'src/fixture.spec.ts', 'export const t = Date.now();\n', 'no-restricted-properties'],
];

const allowed: [project: string, file: string, code: string][] = [
  ['libs/domain', 'src/fixture.ts', use('big.js')],
  ['libs/domain', 'src/fixture.ts', use('./money/decimal')],
  ['libs/application', 'src/fixture.ts', use('@cab/domain')],
  ['libs/infrastructure', 'src/fixture.ts', use('@cab/domain')],
  ['libs/infrastructure', 'src/fixture.ts', use('@cab/application')],
  ['libs/infrastructure', 'src/fixture.ts', use('better-sqlite3')],
  ['libs/infrastructure', 'src/fixture.ts', use('node:fs')],
  ['libs/infrastructure', 'src/settings/fixture.ts', 'export const p = process.env.MODE;\n'],
  ['libs/infrastructure', 'src/fixture.ts', 'export const t = Date.now();\n'],
  ['apps/server', 'src/fixture.ts', use('@cab/infrastructure')],
  // the driving side composes driven adapters; both read the shared settings
  ['libs/infrastructure', 'src/driving/compose/fixture.ts', use('../../driven/venue/paper/paper-venue')],
  ['libs/infrastructure', 'src/driven/alerts/fixture.ts', use('../../settings')],
  ['libs/infrastructure', 'src/driven/market-data/fixture.ts', use('../storage/sqlite-storage')],
  // a driven adapter's spec may assemble the app
  ['libs/infrastructure', 'src/driven/instance-lock/fixture.spec.ts', use('../../driving/compose/compose')],
  ['apps/cli', 'src/fixture.ts', use('@cab/application')],
  // specs of the pure layers may read real data from disk; the code they test may not
  ['libs/domain', 'src/fixture.spec.ts', use('node:fs')],
  ['libs/application', 'src/fixture.spec.ts', use('node:child_process')],
];

let forbiddenResults: string[][] = [];
let allowedResults: string[][] = [];
beforeAll(() => {
  const results = lintAll([...forbidden, ...allowed].map(([project, file, code]) => ({ project, file, code })));
  forbiddenResults = results.slice(0, forbidden.length);
  allowedResults = results.slice(forbidden.length);
});

describe('layer rules bite', () => {
  it.each(forbidden.map((c, i) => [...c, i] as const))('%s/%s: %j is an error (%s)', (_project, _file, _code, rule, i) => {
    expect(forbiddenResults[i]?.some((m) => m.startsWith(`${rule}:`))).toBe(true);
  });
});

describe('allowed imports stay allowed', () => {
  it.each(allowed.map((c, i) => [...c, i] as const))('%s/%s: %j lints clean', (_project, _file, _code, i) => {
    expect(allowedResults[i]).toEqual([]);
  });
});
