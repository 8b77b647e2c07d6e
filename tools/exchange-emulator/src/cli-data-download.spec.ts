// `cab data download` of the BUILT CLI, with the real ccxt client, against the emulator.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FakeClock } from '@cab/domain/testing';
import { openSqliteStorage, readCandleFile } from '@cab/infrastructure';
import { SAMPLE_CANDLES, startEmulator, type Emulator } from './index';

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

describe('cab data download against the emulator', () => {
  let emu: Emulator;
  let cwd: string;
  beforeAll(async () => {
    emu = await startEmulator({ dataFile: SAMPLE_CANDLES, prices: {} });
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'cab-dl-'));
  });
  afterAll(async () => {
    await emu.close();
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  it('pages through ccxt fetchOHLCV into a CSV file and the candle store', async () => {
    const since = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 120 * 60_000).toISOString();
    const r = await cab(['data', 'download', '--symbol', 'BTC/USDT', '--timeframe', '1m', '--since', since, '--out', 'btc.csv'], cwd, {
      EXCHANGE_API_URL: emu.url,
      DB_PATH: path.join(cwd, 'bot.db'),
    });
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    const n = Number(/downloaded (\d+) closed BTC\/USDT 1m candles/.exec(r.out)?.[1]);
    // 120 minutes back from a minute boundary: 120 closed bars (121 if a minute turned meanwhile).
    expect(n).toBeGreaterThanOrEqual(119);
    expect(n).toBeLessThanOrEqual(121);
    const file = readCandleFile(path.join(cwd, 'btc.csv'));
    expect(file).toHaveLength(n);
    expect(file.every((c, i) => i === 0 || c.ts - (file[i - 1]?.ts ?? 0) === 60_000)).toBe(true);
    const storage = openSqliteStorage({ path: path.join(cwd, 'bot.db'), clock: new FakeClock() });
    try {
      expect(await storage.candles.latest({ exchange: 'gateio', symbol: 'BTC/USDT', timeframe: '1m' }, 1000)).toEqual(file);
    } finally {
      await storage.close();
    }
  });

  it('a symbol the venue does not list: a clear message naming it, exit 2, no ccxt stack', async () => {
    const r = await cab(['data', 'download', '--symbol', 'NOPE/USDT', '--since', '2024-01-01', '--no-db', '--out', 'nope.csv'], cwd, {
      EXCHANGE_API_URL: emu.url,
      DB_PATH: path.join(cwd, 'bot.db'),
    });
    expect(r.err).toContain(`cab: --symbol: ${emu.url} does not list NOPE/USDT as a spot market`);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(2);
    expect(fs.existsSync(path.join(cwd, 'nope.csv'))).toBe(false);
  });

  it('a venue that cannot be reached: a clear message, exit 1, no ccxt stack', async () => {
    const r = await cab(['data', 'download', '--symbol', 'BTC/USDT', '--since', '2024-01-01', '--no-db', '--out', 'x.csv'], cwd, {
      EXCHANGE_API_URL: 'http://127.0.0.1:9/api/v4',
      HTTP_TIMEOUT_SEC: '5',
      DB_PATH: path.join(cwd, 'bot.db'),
    });
    expect(r.err).toContain('cab: cannot reach http://127.0.0.1:9/api/v4 (');
    expect(r.err).toContain('check the network or EXCHANGE_API_URL, then retry');
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(1);
  });

  it('a 502 on the market load is asked again: the download still completes (ccxt keeps no failed load)', async () => {
    emu.faults.next('GET /spot/currency_pairs', { kind: 'status', status: 502 }, 2);
    const since = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000).toISOString();
    const r = await cab(['data', 'download', '--symbol', 'BTC/USDT', '--timeframe', '1m', '--since', since, '--out', 'after-502.csv', '--no-db'], cwd, {
      EXCHANGE_API_URL: emu.url,
      DB_PATH: path.join(cwd, 'bot.db'),
    });
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    expect(Number(/downloaded (\d+) closed/.exec(r.out)?.[1])).toBeGreaterThanOrEqual(29);
    expect(emu.requests.filter((q) => q.path === '/spot/currency_pairs' && q.status === 502)).toHaveLength(2);
  }, 60_000);
});
