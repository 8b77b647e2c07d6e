import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

// Commands that never trade must not pay for ccxt (~0.4 s, ~100 MB). Checked in a fresh Node
// process, since jest's module registry would hide what plain `require` does.
const root = join(__dirname, '../../../../../..');

const script = `
const cached = () => Object.keys(require.cache).some((k) => k.includes('/node_modules/ccxt/'));
const infra = require(${JSON.stringify(join(root, 'libs/infrastructure/src/index.ts'))});
const afterImport = cached();
const broker = new infra.GateVenue({ apiKey: 'k', apiSecret: 's', apiUrl: 'http://127.0.0.1:9/api/v4', timeoutMs: 500,
  retry: { attempts: 1, baseMs: 1, maxMs: 1 }, breaker: { failures: 5, cooldownMs: 1000 } });
const afterConstruct = cached();
const rss0 = process.memoryUsage().rss;
const t0 = process.hrtime.bigint();
broker.instrument('BTC/USDT').then((r) => {
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(JSON.stringify({ afterImport, afterConstruct, afterUse: cached(), kind: r.ok ? 'ok' : r.error.kind,
    firstCallMs: Math.round(ms), rssGrowthMb: Math.round((process.memoryUsage().rss - rss0) / 1048576) }));
});
`;

describe('ccxt is loaded lazily', () => {
  it('importing @cab/infrastructure and constructing GateVenue do not load ccxt; the first call does', () => {
    const out = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
      cwd: root,
      env: { ...process.env, TSX_TSCONFIG_PATH: join(root, 'libs/infrastructure/tsconfig.lib.json') },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const line = out.stdout.trim().split('\n').pop() ?? '';
    if (!line.startsWith('{')) throw new Error(`child failed: ${out.stderr}`);
    const r = JSON.parse(line) as Record<string, unknown>;
    expect(r).toMatchObject({ afterImport: false, afterConstruct: false, afterUse: true, kind: 'retryable' });
    // A figure, not an assertion: what the first trading call paid (ccxt load + a refused connection).
    console.log(`ccxt lazy load: first call ${String(r['firstCallMs'])} ms, RSS +${String(r['rssGrowthMb'])} MB`);
  });
});
