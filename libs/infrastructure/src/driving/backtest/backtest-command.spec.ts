import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { dec } from '@cab/domain';
import { FakeClock } from '@cab/domain/testing';
import { bundledCandleFile } from '../../driven/market-data/candle-csv';
import { openSqliteStorage } from '../../driven/storage/sqlite-storage';
import { parseSettings } from '../../settings';
import { tempDir } from '../../testing';
import { BacktestArgsError, backtestCommand } from './backtest-command';

describe('backtestCommand (cab backtest)', () => {
  let tmp: { dir: string; cleanup: () => void };
  beforeEach(() => {
    tmp = tempDir('cab-btc-');
  });
  afterEach(() => tmp.cleanup());
  const settings = () => parseSettings({}, { cwd: tmp.dir, readFile: (p) => fs.readFileSync(p, 'utf8') });
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    // A clock that moves half a second each time the command looks: the speed and ETA it prints are known.
    let t = 0;
    return { out, err, io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), isTty: true, now: () => (t += 500) } };
  };

  it('runs a .csv.gz over a date range, prints the table and a progress bar, writes report.json and report.html', async () => {
    const data = path.join(tmp.dir, 'btc.csv.gz');
    fs.writeFileSync(data, gzipSync(fs.readFileSync(bundledCandleFile())));
    const { out, err, io: cio } = io();
    const code = await backtestCommand(
      {
        data,
        symbol: 'btc/usdt',
        strategy: 'ema_cross_rsi',
        params: '{"fastPeriod":5,"slowPeriod":13,"rsiPeriod":7}',
        from: '2022-12-13T06:00:00Z',
        to: '2022-12-13T18:00:00Z',
        out: path.join(tmp.dir, 'out'),
      },
      settings(),
      cio,
    );
    expect(code).toBe(0);
    expect(out.join('')).toMatch(/^candles\s+720$/m);
    // The start and the last frame half a second apart: 720 candles at 1,440 candles/s, nothing left.
    expect(err.join('')).toMatch(/\[#+\] 100 % 720\/720 candles · 1,440 candles\/s · ETA 0:00/);
    const report = JSON.parse(fs.readFileSync(path.join(tmp.dir, 'out', 'report.json'), 'utf8')) as {
      trades: unknown[];
      summary: { candles: number; elapsedMs: number };
    };
    expect(Array.isArray(report.trades)).toBe(true);
    expect(report.summary.candles).toBe(720);
    expect(typeof report.summary.elapsedMs).toBe('number');
    // The page charts the run's own candles: one bar per traded candle (12 hours of 1m).
    const html = fs.readFileSync(path.join(tmp.dir, 'out', 'report.html'), 'utf8');
    expect(html).toMatch(/<script type="application\/json" id="chart-data">\{"barMs":60000,"candleMs":60000,"candles":720,/);
  });

  it('--save writes the run to a store beside the report: its orders, fills and position, as a bot would have stored them', async () => {
    const out = path.join(tmp.dir, 'out');
    const { out: printed, io: cio } = io();
    const args = { data: bundledCandleFile(), strategy: 'ema_cross_rsi', params: '{"fastPeriod":5,"slowPeriod":13,"rsiPeriod":7}', out, save: true };
    expect(await backtestCommand(args, settings(), cio)).toBe(0);
    const dbPath = path.join(out, 'backtest.db');
    expect(printed.join('')).toContain(`, ${path.relative(process.cwd(), dbPath)}\n`);
    const report = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8')) as {
      trades: { clientOrderId: string; side: string; amount: string; price: string; fee: string }[];
    };
    expect(report.trades.length).toBeGreaterThan(2);
    // Keeping the store changes nothing the run decides: the same trades without --save.
    const plain = path.join(tmp.dir, 'plain');
    expect(await backtestCommand({ ...args, out: plain, save: false }, settings(), io().io)).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(plain, 'report.json'), 'utf8')).trades).toEqual(report.trades);
    expect(fs.existsSync(path.join(plain, 'backtest.db'))).toBe(false);

    const store = openSqliteStorage({ path: dbPath, clock: new FakeClock(0) });
    try {
      const fills = await store.fills.bySymbol('BTC/USDT');
      // The store holds the report's fills, exactly: money as the same decimal text.
      expect(
        fills.map((f) => ({ clientOrderId: f.clientOrderId, side: f.side, amount: f.amount.toString(), price: f.price.toString(), fee: f.fee.toString() })),
      ).toEqual(report.trades.map(({ clientOrderId, side, amount, price, fee }) => ({ clientOrderId, side, amount, price, fee })));
      const orders = await store.orders.find({ limit: 10_000 });
      expect(orders.map((o) => o.clientOrderId).sort()).toEqual([...new Set(report.trades.map((f) => f.clientOrderId))].sort());
      expect(orders.every((o) => o.status === 'filled')).toBe(true);
      const [position] = await store.positions.all();
      const net = report.trades.reduce((b, f) => (f.side === 'buy' ? b.plus(f.amount).minus(f.fee) : b.minus(f.amount)), dec('0'));
      expect(position?.baseQty.toString()).toBe(net.toString());
    } finally {
      await store.close();
    }

    // Saved again: the file is replaced, not added to.
    expect(await backtestCommand(args, settings(), io().io)).toBe(0);
    const again = openSqliteStorage({ path: dbPath, clock: new FakeClock(0) });
    try {
      expect(await again.fills.bySymbol('BTC/USDT')).toHaveLength(report.trades.length);
    } finally {
      await again.close();
    }
  });

  it('without --strategy runs STRATEGY with STRATEGY_PARAMS, as paper and live trading do; --params replaces them', async () => {
    const env = { STRATEGY: 'mean_reversion', STRATEGY_PARAMS: '{"bbPeriod":30,"rsiOversold":35}' };
    const configured = parseSettings(env, { cwd: tmp.dir, readFile: (p) => fs.readFileSync(p, 'utf8') });
    const run = async (args: { strategy?: string; params?: string }, dir: string) => {
      const code = await backtestCommand({ data: bundledCandleFile(), symbol: 'BTC/USDT', out: path.join(tmp.dir, dir), ...args }, configured, io().io);
      expect(code).toBe(0);
      return (JSON.parse(fs.readFileSync(path.join(tmp.dir, dir, 'report.json'), 'utf8')) as { summary: { strategy: string; params: unknown } }).summary;
    };
    expect(await run({}, 'a')).toMatchObject({ strategy: 'mean_reversion', params: { bbPeriod: 30, rsiOversold: 35 } });
    expect(await run({ params: '{"bbPeriod":25}' }, 'b')).toMatchObject({ strategy: 'mean_reversion', params: { bbPeriod: 25 } });
    // Another strategy does not inherit STRATEGY_PARAMS (they are another strategy's parameters).
    expect(await run({ strategy: 'ema_cross_rsi' }, 'c')).toMatchObject({ strategy: 'ema_cross_rsi', params: {} });
  });

  it.each([
    [{ params: '{oops' }, /--params: not valid JSON/],
    [{ params: '[1]' }, /--params: expected a JSON object/],
    [{ from: 'yesterday' }, /--from: expected a date/],
    [{ warmup: 1.5 }, /--warmup: expected a whole number of candles ≥ 0, got 1.5/],
    [{ warmup: 5000 }, /no candles in the selected range after 1440 candles of warm-up/],
    [{ warmup: 10, from: '2022-12-13T06:00:00Z' }, /--warmup: give it or --from, not both/],
    [{ data: '/nonexistent.csv' }, /--data: /],
    [{ strategy: 'nope' }, /strategy "nope": not a built-in \(ema_cross_rsi, mean_reversion\)/],
    [{ params: '{"fastPeriod": 50, "slowPeriod": 10}' }, /fastPeriod \(50\) must be < slowPeriod/],
  ])('a bad argument %j is a BacktestArgsError with a clear message', async (over, why) => {
    const { io: cio } = io();
    const args = { data: bundledCandleFile(), symbol: 'BTC/USDT', strategy: 'ema_cross_rsi', out: path.join(tmp.dir, 'o'), ...over };
    const p = backtestCommand(args, settings(), cio);
    await expect(p).rejects.toBeInstanceOf(BacktestArgsError);
    await expect(backtestCommand(args, settings(), cio)).rejects.toThrow(why);
  });

  it('--out naming a file (or a folder under one) is refused before the run, not after it', async () => {
    const file = path.join(tmp.dir, 'taken.txt');
    fs.writeFileSync(file, 'keep');
    for (const out of [file, path.join(file, 'sub')]) {
      const { err, io: cio } = io();
      await expect(backtestCommand({ data: bundledCandleFile(), symbol: 'BTC/USDT', out }, settings(), cio)).rejects.toThrow(
        `--out: ${out}: a file is in the way; --out names the folder that gets report.json and report.html`,
      );
      expect(err.join('')).toBe(''); // no progress bar: nothing ran
    }
    expect(fs.readFileSync(file, 'utf8')).toBe('keep');
  });

  it('a file with timestamps in epoch seconds is read as seconds: the report is of 2022, not of 1970', async () => {
    const lines = fs.readFileSync(bundledCandleFile(), 'utf8').trim().split('\n');
    const inSeconds = [lines[0], ...lines.slice(1).map((l) => l.replace(/^(\d+)000,/, '$1,'))].join('\n');
    expect(inSeconds.split('\n')[1]).toMatch(/^1670\d{6},/);
    const data = path.join(tmp.dir, 'seconds.csv');
    fs.writeFileSync(data, `${inSeconds}\n`);
    const code = await backtestCommand({ data, symbol: 'BTC/USDT', out: path.join(tmp.dir, 'sec') }, settings(), io().io);
    expect(code).toBe(0);
    const report = JSON.parse(fs.readFileSync(path.join(tmp.dir, 'sec', 'report.json'), 'utf8')) as { summary: { from: number; candles: number } };
    // The first traded candle (after 200 of history): 2022-12-13T03:20:00Z, as the file in ms gives.
    expect(report.summary).toMatchObject({ from: Date.UTC(2022, 11, 13, 3, 20), candles: 1240 });
  });

  describe('several files and several strategies', () => {
    const FIXTURES = path.resolve(__dirname, '../../../assets/fixtures');
    const btc = path.join(FIXTURES, 'btc_usdt-1m-binance-2021-05-19.csv.gz');
    const eth = path.join(FIXTURES, 'eth_usdt-1m-binance-2021-05-19.csv.gz');
    const EXAMPLES = path.resolve(__dirname, '../../../../../examples/strategies');

    it('runs one portfolio over two files, the symbols read from the file names, and prints each symbol', async () => {
      const { out, io: cio } = io();
      const code = await backtestCommand(
        { data: [btc, eth], out: path.join(tmp.dir, 'pf'), params: '{"fastPeriod":5,"slowPeriod":13,"rsiPeriod":7}' },
        settings(),
        cio,
      );
      expect(code).toBe(0);
      const text = out.join('');
      expect(text).toMatch(/^symbol\s+BTC\/USDT,ETH\/USDT$/m);
      expect(text).toMatch(/^BTC\/USDT\s+1240\s+\d+\s+\d+\s/m);
      expect(text).toMatch(/^ETH\/USDT\s+1240\s+\d+\s+\d+\s/m);
      const report = JSON.parse(fs.readFileSync(path.join(tmp.dir, 'pf', 'report.json'), 'utf8')) as {
        symbols: { symbol: string }[];
        trades: { symbol: string }[];
      };
      expect(report.symbols.map((x) => x.symbol)).toEqual(['BTC/USDT', 'ETH/USDT']);
      expect(new Set(report.trades.map((t) => t.symbol))).toEqual(new Set(['BTC/USDT', 'ETH/USDT']));
    });

    it('--strategy-list runs each strategy (built-ins and plug-ins) on the same candles and prints one comparison table', async () => {
      const { out, io: cio } = io();
      const dir = path.join(tmp.dir, 'cmp');
      const code = await backtestCommand(
        { data: [btc, eth], out: dir, strategyList: 'ema_cross_rsi, mean_reversion,donchian_breakout', strategyPath: EXAMPLES },
        settings(),
        cio,
      );
      expect(code).toBe(0);
      const lines = out.join('').split('\n');
      expect(lines[0]).toMatch(/^strategy\s+trades\s+win rate\s+net PnL\s+return\s+max drawdown\s+profit factor\s+Sharpe\s+fees\s+exposure$/);
      const rows = lines.slice(2, 5);
      expect(rows.map((r) => r.split(/\s+/)[0])).toEqual(['ema_cross_rsi', 'mean_reversion', 'donchian_breakout']);
      // Each row is that strategy's own report.
      for (const [name, row] of [
        ['ema_cross_rsi', rows[0]],
        ['donchian_breakout', rows[2]],
      ] as const) {
        const r = JSON.parse(fs.readFileSync(path.join(dir, name, 'report.json'), 'utf8')) as { summary: { strategy: string; trades: number; netPnl: string } };
        expect(r.summary.strategy).toBe(name);
        expect(row!.split(/\s+/).slice(1, 2)).toEqual([String(r.summary.trades)]);
        expect(row).toContain(` ${r.summary.netPnl} `);
      }
    });

    it.each([
      [{ data: [btc, eth], symbol: ['BTC/USDT'] }, '--symbol: give one per --data file, in the same order (2 files, 1 symbols)'],
      [{ data: [btc, path.join(tmp?.dir ?? '', 'my data.csv')] }, 'cannot tell the symbol of'],
      [{ data: [btc], strategyList: 'ema_cross_rsi', strategy: 'mean_reversion' }, '--strategy-list: give it or --strategy, not both'],
      [{ data: [btc], strategyList: 'ema_cross_rsi,ema_cross_rsi' }, '--strategy-list: ema_cross_rsi is named twice'],
      [{ data: [btc], strategyList: 'ema_cross_rsi,nope' }, 'strategy "nope": not a built-in'],
    ])('refuses %j clearly', async (args, message) => {
      await expect(backtestCommand({ out: path.join(tmp.dir, 'x'), ...args }, settings(), io().io)).rejects.toThrow(BacktestArgsError);
      await expect(backtestCommand({ out: path.join(tmp.dir, 'x'), ...args }, settings(), io().io)).rejects.toThrow(message);
    });
  });
});
