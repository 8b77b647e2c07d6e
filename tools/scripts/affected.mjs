#!/usr/bin/env node
// `npm run affected`: lint, type-check, test and build only the projects a change touches.
// Base: NX_BASE if set, else HEAD~1, else git's empty tree (a one-commit repo runs everything).
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const git = (...a) => execFileSync('git', a, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
let base = process.env.NX_BASE;
if (!base) {
  try {
    base = git('rev-parse', '--verify', 'HEAD~1');
  } catch {
    base = git('hash-object', '-t', 'tree', '/dev/null');
  }
}
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_USE_LOCAL: 'true', NX_TUI: 'false', NX_ISOLATE_PLUGINS: 'false' };
const r = spawnSync(
  path.join(root, 'node_modules/.bin/nx'),
  ['affected', '-t', 'lint', 'typecheck', 'test', 'build', `--base=${base}`, `--head=${process.env.NX_HEAD ?? 'HEAD'}`, ...process.argv.slice(2)],
  {
    cwd: root,
    env,
    stdio: 'inherit',
  },
);
process.exit(r.status ?? 1);
