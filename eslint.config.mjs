// Flat ESLint config for the whole workspace. The layer rules live here and nowhere else.
//
// Two settings keep the boundary rules from passing silently (see TOOLCHAIN.md pitfall 5):
// Nx runs `eslint .` inside each project folder, so the root path and the TypeScript resolver
// must be absolute; without the resolver `@cab/infrastructure` looks like an npm package and
// no layer rule fires. tools/workspace-checks proves every rule still bites.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import boundaries from 'eslint-plugin-boundaries';
import path from 'node:path';

const root = import.meta.dirname;

/** npm packages that do I/O or belong to a framework: never in domain, never in application. */
const IO_PACKAGES = ['ccxt', 'kysely', 'better-sqlite3', 'express', 'winston', 'prom-client', 'yargs', 'yargs/*', 'dotenv', 'supertest'];
/** Node's I/O modules, with and without the `node:` prefix. */
const IO_CORE = ['fs', 'fs/*', 'net', 'http', 'https', 'http2', 'child_process', 'dgram', 'tls', 'worker_threads', 'cluster', 'readline'];
const withNodePrefix = (xs) => xs.flatMap((x) => [x, `node:${x}`]);

const TEST_FILES = ['**/*.spec.ts', '**/*.contract.ts', '**/testing.ts', '**/testing/**/*.ts', '**/test/**/*.ts'];

const layer = (type) => ({ element: { type } });
const layers = (...types) => ({ element: { types: { anyOf: types } } });

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', '**/tmp/**', '**/*.cjs', '**/*.mjs', '**/*.js'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { boundaries },
    settings: {
      'boundaries/root-path': root,
      'import/resolver': {
        typescript: { project: path.join(root, 'tsconfig.base.json'), alwaysTryTypes: true },
        node: true,
      },
      'boundaries/elements': [
        { type: 'domain', pattern: 'libs/domain' },
        { type: 'application', pattern: 'libs/application' },
        // The two sides of @cab/infrastructure (docs/core.md, "Layout"): driven adapters and the driving
        // side. Listed before the lib so a file there is that element; the rest of the lib (settings,
        // testing, the entry points) stays `infrastructure`, shared by both.
        { type: 'driven', pattern: 'libs/infrastructure/src/driven' },
        { type: 'driving', pattern: 'libs/infrastructure/src/driving' },
        { type: 'infrastructure', pattern: 'libs/infrastructure' },
        { type: 'app', pattern: 'apps/*', capture: ['app'] },
        { type: 'tool', pattern: 'tools/*', capture: ['tool'] },
      ],
      'boundaries/files': [{ category: 'test', pattern: TEST_FILES }],
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'boundaries/dependencies': [
        2,
        {
          default: 'allow',
          policies: [
            // domain: nothing of ours; no I/O package; no Node I/O module.
            {
              from: layer('domain'),
              disallow: { to: layers('application', 'infrastructure', 'driven', 'driving', 'app', 'tool') },
              message: 'domain imports nothing of ours (layer rule: domain is pure)',
            },
            // application: domain only.
            {
              from: layer('application'),
              disallow: { to: layers('infrastructure', 'driven', 'driving', 'app', 'tool') },
              message: 'application may import only @cab/domain (layer rule)',
            },
            // infrastructure: domain and application.
            {
              from: layers('infrastructure', 'driven', 'driving'),
              disallow: { to: layers('app', 'tool') },
              message: 'infrastructure may import only @cab/domain and @cab/application (layer rule)',
            },
            // apps import libs, never another app or a tool.
            {
              from: layer('app'),
              disallow: { to: layers('app', 'tool') },
              message: 'apps import libs only (layer rule)',
            },
          ],
        },
      ],
    },
  },
  // Driven adapters never import the driving side (http, cli, composition): an adapter is composed,
  // it does not compose. Specs are exempt: a spec may assemble the app to exercise an adapter in place.
  {
    files: ['libs/infrastructure/src/driven/**/*.ts'],
    ignores: TEST_FILES,
    rules: {
      'boundaries/dependencies': [
        2,
        {
          default: 'allow',
          policies: [
            {
              from: layer('driven'),
              disallow: { to: layers('driving', 'app', 'tool') },
              message: 'a driven adapter may not import the driving side (layer rule: driven -> driving is forbidden)',
            },
          ],
        },
      ],
    },
  },
  // External packages and Node I/O, for production code of the pure layers. Specs may read
  // real candle files from disk; the code they test may not.
  {
    files: ['libs/domain/**/*.ts', 'libs/application/**/*.ts'],
    ignores: TEST_FILES,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: withNodePrefix(IO_CORE.filter((x) => !x.includes('*'))).map((name) => ({
            name,
            message: 'no Node I/O in domain or application: put it behind a port in @cab/infrastructure (layer rule)',
          })),
          patterns: [
            {
              group: [...IO_PACKAGES, 'node:fs/*', 'fs/*'],
              message: 'no I/O or framework package in domain or application: put it behind a port in @cab/infrastructure (layer rule)',
            },
          ],
        },
      ],
    },
  },
  // The domain is a package other bots install: big.js is its only dependency.
  {
    files: ['libs/domain/**/*.ts'],
    ignores: TEST_FILES,
    rules: {
      'boundaries/dependencies': [
        2,
        {
          default: 'allow',
          checkAllOrigins: true,
          policies: [
            {
              from: layer('domain'),
              disallow: { to: layers('application', 'infrastructure', 'driven', 'driving', 'app', 'tool') },
              message: 'domain imports nothing of ours (layer rule: domain is pure)',
            },
            {
              from: layer('domain'),
              disallow: { to: { module: { origin: 'external', source: '!big.js' } } },
              message: 'domain depends on big.js only (layer rule: domain is pure)',
            },
            {
              from: layer('domain'),
              disallow: { to: { module: { origin: 'core' } } },
              message: 'domain uses no Node module (layer rule: domain is pure)',
            },
          ],
        },
      ],
    },
  },
  // Time and randomness are injected in domain and application (Clock, IdGenerator).
  {
    files: ['libs/domain/**/*.ts', 'libs/application/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'inject a Clock: no wall clock in domain or application' },
        { object: 'Math', property: 'random', message: 'inject an IdGenerator or a seeded source: no Math.random in domain or application' },
        { object: 'process', property: 'env', message: 'ENV is read only by @cab/infrastructure settings' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'NewExpression[callee.name="Date"][arguments.length=0]',
          message: 'inject a Clock: no wall clock in domain or application',
        },
      ],
    },
  },
  // ENV has one reader: infrastructure's settings module. Specs may hand an env to a child process.
  {
    files: ['apps/**/*.ts', 'libs/infrastructure/**/*.ts', 'tools/**/*.ts'],
    ignores: ['libs/infrastructure/src/settings/**/*.ts', ...TEST_FILES],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'ENV is read only by @cab/infrastructure settings' }],
    },
  },
);
