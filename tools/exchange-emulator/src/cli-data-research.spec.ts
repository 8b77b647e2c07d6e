// `cab data download --symbols … --days N` of the BUILT CLI, with the real ccxt client, against the emulator:
// several pairs into a real SQLite file, resumed after an interruption, and `cab data list`.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FakeClock } from '@cab/domain/testing';
import { openSqliteStorage } from '@cab/infrastructure';
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

describe('cab data download --symbols --days against the emulator', () => {
  let emu: Emulator;
  let cwd: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    // BTC_USDT replays the sample file; ETH_USDT is a fixed price (flat candles).
    emu = await startEmulator({ dataFile: SAMPLE_CANDLES, prices: { ETH_USDT: '1250' } });
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'cab-dl-many-'));
    env = { EXCHANGE_API_URL: emu.url, DB_PATH: path.join(cwd, 'bot.db') };
  });
  afterAll(async () => {
    await emu.close();
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  const stored = async (symbol: string) => {
    const storage = openSqliteStorage({ path: path.join(cwd, 'bot.db'), clock: new FakeClock() });
    try {
      return await storage.candles.latest({ exchange: 'gateio', symbol, timeframe: '1m' }, 5000);
    } finally {
      await storage.close();
    }
  };

  it('a failing pair does not stop the other, and the re-run continues after the newest stored candle', async () => {
    // BTC's page fails four times (every attempt of the download), then the venue answers again.
    emu.faults.next('GET /spot/candlesticks', { kind: 'status', status: 502 }, 4);
    const first = await cab(['data', 'download', '--symbols', 'BTC/USDT,eth/usdt', '--days', '0.05'], cwd, env);
    expect(first.err).not.toMatch(/\n\s+at /);
    expect(first.code).toBe(1);
    expect(first.err).toContain('(BTC/USDT: what was stored is kept; re-run to continue)');
    expect(await stored('BTC/USDT')).toEqual([]);
    // 0.05 days = 72 minutes: 71 or 72 closed candles, no gaps.
    const ethLine = /^ETH\/USDT 1m: \+(\d+) candles \(from [^)]+\); stored (\d+) from \S+ to \S+; gaps: none$/m.exec(first.out);
    expect(Number(ethLine?.[1])).toBeGreaterThanOrEqual(71);
    expect(Number(ethLine?.[1])).toBeLessThanOrEqual(73);
    const eth = await stored('ETH/USDT');
    const ethLast = eth[eth.length - 1]?.ts ?? 0;

    const before = emu.requests.length;
    const r = await cab(['data', 'download', '--symbols', 'BTC/USDT,ETH/USDT', '--days', '0.05'], cwd, env);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^BTC\/USDT 1m: \+(7[1-3]) candles \(from [^)]+\); stored 7[1-3] from \S+ to \S+; gaps: none$/m);
    // ETH resumes: it says so, and asks nothing from before its newest stored candle.
    expect(r.out).toContain(`ETH/USDT 1m: +`);
    expect(r.out).toContain(`(resumed after the stored ${new Date(ethLast).toISOString().replace(':00.000Z', 'Z')})`);
    const ethAsked = emu.requests
      .slice(before)
      .map((q) => new URLSearchParams(q.query))
      .filter((q) => q.get('currency_pair') === 'ETH_USDT')
      .map((q) => Number(q.get('from')) * 1000);
    expect(ethAsked.every((from) => from >= ethLast + 60_000)).toBe(true);
    expect((await stored('ETH/USDT')).slice(0, eth.length)).toEqual(eth);
    const btc = await stored('BTC/USDT');
    expect(btc.every((c, i) => i === 0 || c.ts - (btc[i - 1]?.ts ?? 0) === 60_000)).toBe(true);

    const list = await cab(['data', 'list'], cwd, env);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/^BTC\/USDT\s+1m\s+gateio\s+\S+\s+\S+\s+7[1-3]\s+none$/m);
    expect(list.out).toMatch(/^ETH\/USDT\s+1m\s+gateio\s+\S+\s+\S+\s+\d+\s+none$/m);
  }, 90_000);

  it('a pair the venue does not list: exit 2 naming it, the listed pair still stored', async () => {
    const r = await cab(['data', 'download', '--symbols', 'NOPE/USDT,ETH/USDT', '--days', '0.01'], cwd, env);
    expect(r.err).toContain(`cab: --symbol: ${emu.url} does not list NOPE/USDT as a spot market`);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.out).toMatch(/^ETH\/USDT 1m: \+\d+ candles/m);
    expect(r.code).toBe(2);
  });

  it.each([
    [['data', 'download', '--symbols', 'BTC/USDT'], 'download needs --since DATE or --days N'],
    [['data', 'download', '--symbols', 'BTC/USDT', '--days', '-1'], '--days: expected a number of days > 0'],
    [['data', 'download', '--symbols', 'BTC-USDT', '--days', '1'], '--symbols: expected BASE/QUOTE'],
    [['data', 'download', '--symbols', 'BTC/USDT', '--days', '1', '--out', 'x.csv'], '--out, --until and --no-db go with --since'],
  ])('%j: exit 2 with a clear message', async (args, why) => {
    const r = await cab(args as string[], cwd, env);
    expect(r.err).toContain(why);
    expect(r.code).toBe(2);
  });
});
