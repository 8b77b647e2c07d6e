// Builds `npm run bench` as the CLI and the worker are built (apps/cli/project.json: @nx/esbuild,
// bundle: true, CommonJS, node20, the packages of node_modules left outside): one esbuild bundle per
// entry, run with plain node, so the rows time the code users run, not the sources through tsx
// (tsx compiles each file apart with keepNames: barrel getters on every cross-module call and a
// __name call per named closure; see README.md beside this file, "Fourth round").
import { build } from 'esbuild';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

await build({
  absWorkingDir: root,
  entryPoints: {
    main: 'tools/bench/src/main.ts',
    // The 3-bot store row's child processes, and the indicators row: their own processes.
    'store-throughput': 'tools/bench/src/store-throughput.ts',
    'indicators.bench': 'libs/domain/test/bench/indicators.bench.ts',
  },
  outdir: 'dist/tools/bench',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  packages: 'external',
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  tsconfig: 'tools/bench/tsconfig.json',
  logLevel: 'warning',
});
