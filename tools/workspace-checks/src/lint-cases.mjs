// Lints fixture snippets with the workspace's ESLint config, each from inside its project folder
// (as `nx lint` runs `eslint .` there). Runs as a plain Node process because jest's module sandbox
// cannot load the ESM flat config. Input on stdin: [{project, file, code}]; output on stdout:
// [[ "ruleId: message", ... ], ...] in the same order.
import { ESLint } from 'eslint';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../../..');
const input = JSON.parse(
  await new Promise((resolve) => {
    let text = '';
    process.stdin.on('data', (c) => (text += c));
    process.stdin.on('end', () => resolve(text));
  }),
);
const engines = new Map();
const out = [];
for (const { project, file, code } of input) {
  const cwd = path.join(root, project);
  if (!engines.has(cwd)) engines.set(cwd, new ESLint({ cwd }));
  const [result] = await engines.get(cwd).lintText(code, { filePath: path.join(cwd, file) });
  out.push((result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`));
}
process.stdout.write(JSON.stringify(out));
