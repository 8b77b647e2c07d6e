// No test may depend on how fast the machine is. Every jest project gets the preset's generous
// ceiling (jest's 5 s default failed slow-but-correct specs on a busy machine), and no spec lowers
// its own ceiling to something a loaded machine can reach: a spec waits until what it expects
// happens, and the ceiling is only there to end a hang.
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the preset is CommonJS, read as jest reads it
const { TEST_TIMEOUT_MS } = require(path.join(root, 'jest.preset.cjs')) as { TEST_TIMEOUT_MS: number };
/** The lowest per-test or per-file ceiling a spec may set for itself. */
const FLOOR_MS = 60_000;

const SKIP = new Set(['node_modules', 'dist', 'coverage', 'tmp', '.git', '.nx', '.angular']);
function files(dir: string, keep: (name: string) => boolean, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(e.name)) continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) files(full, keep, out);
    else if (keep(e.name)) out.push(full);
  }
  return out;
}
const rel = (f: string) => path.relative(root, f);

describe('test timeouts', () => {
  it(`every jest project has a ceiling of at least ${TEST_TIMEOUT_MS} ms`, () => {
    const configs = files(root, (n) => n === 'jest.config.cjs' || n === 'jest.config.js' || n === 'jest.config.ts');
    expect(configs.map(rel)).toEqual(
      expect.arrayContaining(['libs/domain/jest.config.cjs', 'libs/infrastructure/jest.config.cjs', 'tools/exchange-emulator/jest.config.cjs']),
    );
    expect(TEST_TIMEOUT_MS).toBeGreaterThanOrEqual(FLOOR_MS);
    const low = configs
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- jest configs are CommonJS
      .map((f) => [rel(f), (require(f) as { testTimeout?: number }).testTimeout] as const)
      .filter(([, t]) => t === undefined || t < TEST_TIMEOUT_MS);
    expect(low).toEqual([]);
  });

  it(`no spec sets its own ceiling below ${FLOOR_MS} ms`, () => {
    const specs = files(root, (n) => n.endsWith('.spec.ts'));
    expect(specs.length).toBeGreaterThan(100);
    // jest.setTimeout(N), and a test or hook closed with `}, N);` (its timeout argument)
    const ceiling = /jest\.setTimeout\(\s*([\d_]+)\s*\)|^\s*\}\)?,\s*([\d_]+)\s*\);\s*$/gm;
    const low: string[] = [];
    for (const f of specs) {
      const text = fs.readFileSync(f, 'utf8');
      for (const m of text.matchAll(ceiling)) {
        const ms = Number((m[1] ?? m[2] ?? '').replace(/_/g, ''));
        if (ms < FLOOR_MS) low.push(`${rel(f)}:${text.slice(0, m.index).split('\n').length} ${m[0].trim()}`);
      }
    }
    expect(low).toEqual([]);
  });
});
