#!/usr/bin/env node
// `npm test`: lint, type-check, test and build every project, with Nx's daemon, cloud and TUI off
// (no prompt, no phoning home, same behaviour on a laptop and in CI). Prints a closing
// "N passed, N failed" line summed over every jest run. Extra arguments go to `nx run-many`
// (e.g. `npm test -- --projects=domain`).
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_USE_LOCAL: 'true', NX_TUI: 'false', NX_ISOLATE_PLUGINS: 'false' };
const nx = path.join(root, 'node_modules/.bin/nx');
const args = ['run-many', '-t', 'lint', 'typecheck', 'test', 'build', '--output-style=static', '--parallel=2', ...process.argv.slice(2)];

// One formatter over the tree (Prettier, .prettierrc.json): an unformatted file fails the run, as
// a lint error does. `npm run format` fixes it.
const prettier = spawnSync(path.join(root, 'node_modules/.bin/prettier'), ['--check', '--log-level=warn', '**/*.{ts,mjs,cjs,js,json,html,css}'], {
  cwd: root,
  encoding: 'utf8',
});
const unformatted = prettier.status !== 0;
if (unformatted) process.stdout.write(`${prettier.stdout}${prettier.stderr}prettier: the files above are not formatted; run \`npm run format\`\n`);

const child = spawn(nx, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
let passed = 0;
let failed = 0;
let skipped = 0;
let pending = '';
const count = (line) => {
  const plain = line.replace(/\u001b\[[0-9;]*m/g, '');
  const m = /^Tests:\s+(.*)$/.exec(plain.trim());
  if (!m) return;
  for (const part of m[1].split(',')) {
    const [n, what] = part.trim().split(/\s+/);
    if (what === 'passed') passed += Number(n);
    if (what === 'failed') failed += Number(n);
    if (what === 'skipped' || what === 'todo') skipped += Number(n);
  }
};
const tee = (stream, out) =>
  stream.on('data', (chunk) => {
    out.write(chunk);
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    lines.forEach(count);
  });
tee(child.stdout, process.stdout);
tee(child.stderr, process.stderr);
child.on('close', (code) => {
  count(pending);
  if (code !== 0 && failed === 0) failed = 1; // a lint, type or build failure counts as a failure
  if (unformatted) failed += 1;
  process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  process.exit(unformatted && code === 0 ? 1 : (code ?? 1));
});
