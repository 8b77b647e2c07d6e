// `cab smoke` and `cab reconcile` of the BUILT CLI: they compose the whole bot (paper here, and a
// live broker pointed at a closed port) without ever trading.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openSqliteStorage } from '@cab/infrastructure';
import { SEED_DAY, seedTrades } from '@cab/infrastructure/testing';
import { FakeClock } from '@cab/domain/testing';

const bin = path.resolve(__dirname, '../../../dist/apps/cli/main.cjs');
let cwd: string;
beforeEach(() => {
  cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'cab-cli-smoke-'));
});
afterEach(() => fs.rmSync(cwd, { recursive: true, force: true }));

function cab(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, env: { PATH: process.env['PATH'] ?? '', ...env }, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr, all: r.stdout + r.stderr };
}

describe('cab smoke (built bundle)', () => {
  it('paper on the bundled candles: every check ok, exit 0, and no order placed', () => {
    const r = cab(['smoke']);
    expect(r.code).toBe(0);
    for (const check of ['settings', 'migrations', 'compose', 'database', 'broker', 'market data', 'balance BTC/USDT', 'dry evaluation BTC/USDT']) {
      expect(r.out).toMatch(new RegExp(`^${check}\\s+ok\\s`, 'm'));
    }
    expect(r.out).toMatch(/ema_cross_rsi: (buy|sell|hold) on \d+ candles/);
    expect(r.out).toContain('smoke ok');
    expect(cab(['performance', '--json']).out).toContain('"fills": 0');
  });

  it('evaluates the configured STRATEGY with its STRATEGY_PARAMS', () => {
    const r = cab(['smoke'], { STRATEGY: 'mean_reversion', STRATEGY_PARAMS: '{"bbPeriod":30}' });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/mean_reversion: (buy|sell|hold) on \d+ candles/);
    const bad = cab(['smoke'], { STRATEGY_PARAMS: '{"bbPeriod":30}' });
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/^settings\s+FAIL\s+.*STRATEGY_PARAMS: bbPeriod: not a parameter of ema_cross_rsi/m);
  });

  it('an unreachable live exchange fails the broker checks: table still printed, exit 1, no stack', () => {
    const r = cab(['smoke', '--json'], {
      MODE: 'live',
      MARKET_DATA: 'exchange',
      API_KEY: 'k',
      API_SECRET: 's',
      EXCHANGE_API_URL: 'http://127.0.0.1:9/api/v4',
      HTTP_TIMEOUT_SEC: '2',
    });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as { ok: boolean; checks: { check: string; status: string }[] };
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.check === 'broker')?.status).toBe('FAIL');
    expect(report.checks.find((c) => c.check === 'database')?.status).toBe('ok');
    expect(r.all).not.toMatch(/\n\s+at /);
  });

  it('bad settings are a FAIL row, exit 1', () => {
    const r = cab(['smoke'], { RISK_MAX_SPREAD_PCT: 'abc' });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^settings\s+FAIL\s+.*RISK_MAX_SPREAD_PCT/m);
  });
});

describe('cab reconcile (built bundle)', () => {
  it('a clean paper account: ok, exit 0', () => {
    const r = cab(['reconcile']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^reconciled BTC\/USDT \(paper\): \d+ checked, 0 mismatches, 0 repaired/);
    expect(r.out).toContain('reconcile ok');
  });

  it('a position the paper account does not hold is reported (and repaired or flagged)', async () => {
    const db = path.join(cwd, 'seeded.db');
    const storage = openSqliteStorage({ path: db, clock: new FakeClock(SEED_DAY) });
    await seedTrades(storage);
    await storage.close();
    const r = cab(['reconcile', '--json'], { DB_PATH: db });
    const out = JSON.parse(r.out) as { findings: { mismatches: number }; mismatches: { scope: string; symbol: string }[] };
    expect(out.findings.mismatches).toBeGreaterThan(0);
    expect(out.mismatches.some((m) => m.symbol === 'BTC/USDT')).toBe(true);
    expect(r.all).not.toMatch(/\n\s+at /);
    const text = cab(['reconcile'], { DB_PATH: db });
    expect(text.out).toMatch(/^reconciled BTC\/USDT \(paper\)/);
  });
});
