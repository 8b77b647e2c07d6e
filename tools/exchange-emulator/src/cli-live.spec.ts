// `cab reconcile` and `cab smoke` of the BUILT CLI in live mode, with the real ccxt client,
// against the emulator: the refusal beside a running bot, and a cold ccxt start slower than a
// health check's timeout.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { jest } from '@jest/globals';
import { FakeClock } from '@cab/domain/testing';
import { FileInstanceLock } from '@cab/infrastructure';
import { startEmulator, type Emulator } from './index';

jest.setTimeout(90_000);

const root = path.resolve(__dirname, '../../..');
const bin = path.join(root, 'dist/apps/cli/main.cjs');

function cab(args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: { PATH: process.env['PATH'] ?? '', ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

describe('the built CLI in live mode against the emulator', () => {
  let emu: Emulator;
  let cwd: string;
  let env: Record<string, string>;
  beforeEach(async () => {
    emu = await startEmulator({ apiKey: 'clikey', apiSecret: 'clisecret', balances: { USDT: '1000', BTC: '0' }, prices: { BTC_USDT: '50000' } });
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'cab-cli-live-'));
    env = {
      MODE: 'live',
      MARKET_DATA: 'exchange',
      API_KEY: 'clikey',
      API_SECRET: 'clisecret',
      API_TOKEN: 'a-long-enough-control-token-for-live',
      EXCHANGE_API_URL: emu.url,
      DB_PATH: path.join(cwd, 'bot.db'),
      LOCK_DIR: path.join(cwd, 'locks'),
      HTTP_TIMEOUT_SEC: '10',
    };
  });
  afterEach(async () => {
    await emu.close();
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  it('cab reconcile beside a running live bot prints the lock refusal, exit 2, no stack', async () => {
    // The running bot's lock on the same database and account.
    const bot = new FileInstanceLock({
      dbPath: env['DB_PATH'] as string,
      exchange: 'gateio',
      apiKey: 'clikey',
      lockDir: env['LOCK_DIR'] as string,
      clock: new FakeClock(Date.now()),
    });
    expect((await bot.acquire()).ok).toBe(true);
    try {
      const r = await cab(['reconcile'], cwd, env);
      expect(r.err).toMatch(/^cab: COMPOSE\.LOCK_REFUSED: another live instance holds the (db|account) lock \(pid \d+/m);
      expect(r.err).not.toContain('unexpected error');
      expect(r.err).not.toMatch(/\n\s+at /);
      expect(r.code).toBe(2);
    } finally {
      await bot.release();
    }
  });

  it('cab smoke: a cold ccxt start slower than a health check timeout (2 s) still passes', async () => {
    // Each of the two ccxt clients (broker, market data) waits 2.5 s for its market load.
    emu.faults.next('GET /spot/currency_pairs', { kind: 'delay', ms: 2_500 }, 2);
    const r = await cab(['smoke', '--json'], cwd, env);
    const report = JSON.parse(r.out) as { ok: boolean; checks: { check: string; status: string; detail: string }[] };
    expect(report.checks.find((c) => c.check === 'broker')).toMatchObject({ status: 'ok' });
    expect(report.checks.find((c) => c.check === 'market data')).toMatchObject({ status: 'ok' });
    expect(report.checks.find((c) => c.check === 'balance BTC/USDT')).toMatchObject({ status: 'ok' });
    expect(r.code).toBe(0);
    expect(emu.requests.filter((q) => q.path === '/spot/currency_pairs' && q.faults.includes('delay'))).toHaveLength(2);
    expect(emu.requests.some((q) => q.method === 'POST')).toBe(false); // never trades
  });
});
