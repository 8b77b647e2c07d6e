import { dec } from '@cab/domain';
import { EquityRecorder } from './equity-recorder';
import { buildReport, type ReportFill } from './report';
import { exitReasonOf, roundTrips } from './round-trips';
import { StopLevelRecorder } from './stop-levels';

const fill = (ts: number, side: 'buy' | 'sell', price: string, amount: string, fee: string, feeCurrency: string): ReportFill => ({
  ts,
  symbol: 'BTC/USDT',
  side,
  price,
  amount,
  cost: dec(price).times(dec(amount)).toFixed(),
  fee,
  feeCurrency,
  orderId: `o${ts}`,
  clientOrderId: null,
  reason: null,
});

describe('buildReport', () => {
  // Round trip 1: buy 0.25 @ 100 (fee 0.0005 BTC, Gate-style in base), sell the 0.2495 held @ 110.
  // Round trip 2: buy 0.2 @ 120, sell 0.1996 @ 114 — a loss.
  const fills = [
    fill(1, 'buy', '100', '0.25', '0.0005', 'BTC'),
    fill(2, 'sell', '110', '0.2495', '0.054890', 'USDT'),
    fill(3, 'buy', '120', '0.2', '0.0004', 'BTC'),
    fill(4, 'sell', '114', '0.1996', '0.0455088', 'USDT'),
  ];
  const rec = new EquityRecorder();
  const curve = [
    ['1000', 100],
    ['1002.39011', 110],
    ['1001', 120],
    ['1000.9', 114],
  ] as const;
  curve.forEach(([e, p], i) => rec.record((i + 1) * 60_000, dec(e), dec(String(p)), i % 2 === 0));

  const report = buildReport({
    symbol: 'BTC/USDT',
    base: 'BTC',
    quote: 'USDT',
    strategy: 'ema_cross_rsi',
    params: {},
    from: 0,
    to: 180_000,
    candles: 4,
    elapsedMs: 2,
    startEquity: dec('1000'),
    fills,
    curve: rec.curve(),
    dailyCloses: rec.dailyCloses(),
    exposure: rec.exposure(),
    timeframeMs: 60_000,
    marketOpen: dec('100'),
    marketClose: dec('114'),
  });

  it('counts round trips with fees in their real currency', () => {
    expect(report.closedTrades).toMatchObject([
      // realized 0.2495 × (110 − 100) = 2.495; fees 0.0005 × 100 + 0.05489 = 0.10489
      { openedTs: 1, closedTs: 2, realized: '2.495', fees: '0.10489', pnl: '2.39011' },
      // realized 0.1996 × (114 − 120) = −1.1976; fees 0.0004 × 120 + 0.0455088 = 0.0935088
      { openedTs: 3, closedTs: 4, realized: '-1.1976', fees: '0.0935088', pnl: '-1.2911088' },
    ]);
  });

  it('gives each round trip its entry, exit, holding time, profit % and exit reason', () => {
    expect(report.closedTrades[0]).toMatchObject({
      holdingMs: 1,
      entryPrice: '100',
      exitPrice: '110',
      amount: '0.25',
      costQuote: '25',
      pnlPct: '9.5604', // 2.39011 / 25
      exitReason: 'unknown', // these fills carry no reason
      stop: null,
      trail: null,
    });
    expect(report.closedTrades[1]).toMatchObject({ entryPrice: '120', exitPrice: '114', costQuote: '24', pnlPct: '-5.3796' });
    expect(report.openTrade).toBeNull();
  });

  it('trade metrics, buy and hold, and no annualised ratio from four minutes', () => {
    expect(report.summary).toMatchObject({
      expectancy: '0.5495006', // (2.39011 − 1.2911088) / 2
      avgWin: '2.39011',
      avgLoss: '-1.2911088',
      largestWin: '2.39011',
      largestLoss: '-1.2911088',
      maxWinStreak: 1,
      maxLossStreak: 1,
      dailyReturns: 1,
      sharpe: null,
      ratios: {
        sharpe: { value: null, reason: 'too few daily returns (1)' },
        sortino: { value: null, reason: 'too few daily returns (1)' },
        calmar: { value: null, reason: 'too few daily returns (1)' },
      },
    });
    expect(report.buyAndHold).toEqual({ entryPrice: '100', exitPrice: '114', endEquity: '1140', pnl: '140', returnPct: '14' });
  });

  it('breaks the run down by day, week and month', () => {
    const day = { start: 0, trades: 2, wins: 1, losses: 1, pnl: '1.0990012', startEquity: '1000', endEquity: '1000.9', returnPct: '0.09' };
    expect(report.periods.day).toEqual([{ ...day, label: '1970-01-01' }]);
    expect(report.periods.week).toEqual([{ ...day, start: -3 * 86_400_000, label: '1969-12-29' }]);
    expect(report.periods.month).toEqual([{ ...day, label: '1970-01' }]);
    expect(report.exitReasons).toEqual([{ reason: 'unknown', trades: 2, wins: 1, losses: 1, pnl: '1.0990012', avgPnlPct: '2.0904', avgHoldingMs: 1 }]);
  });

  it('summarises the run', () => {
    expect(report.summary).toMatchObject({
      candles: 4,
      fills: 4,
      trades: 2,
      wins: 1,
      losses: 1,
      winRate: '0.5',
      profitFactor: '1.8512',
      timeframeMs: 60_000,
      startEquity: '1000',
      endEquity: '1000.9',
      netPnl: '0.9',
      returnPct: '0.09',
      realizedPnl: '1.2974',
      fees: '0.1983988',
      maxDrawdown: '1.49011', // peak 1002.39011 → 1000.9
      exposure: 0.5,
      candlesPerSecond: 2000,
    });
    expect(report.trades).toHaveLength(4);
  });
});

describe('buildReport with dust', () => {
  it('a sell that leaves only unsellable dust ends the round trip, as the pipeline counts it', () => {
    const fills = [
      fill(1, 'buy', '100', '0.25', '0.0005', 'BTC'),
      fill(2, 'sell', '110', '0.2494', '0.0548680', 'USDT'),
      fill(3, 'buy', '100', '0.1', '0.0002', 'BTC'),
    ];
    const base = {
      symbol: 'BTC/USDT',
      base: 'BTC',
      quote: 'USDT',
      strategy: 's',
      params: {},
      from: 0,
      to: 3,
      candles: 3,
      elapsedMs: 1,
      startEquity: dec('1000'),
      curve: [],
      dailyCloses: [],
      exposure: 0,
      timeframeMs: 60_000,
      marketOpen: dec('100'),
      marketClose: dec('100'),
    };
    expect(buildReport({ ...base, fills }).summary.trades).toBe(0);
    const r = buildReport({ ...base, fills, isDust: (b) => b.lt(dec('0.001')) });
    expect(r.summary.trades).toBe(1);
    // realized 0.2494 × 10 = 2.494; fees 0.0005 × 100 + 0.054868 = 0.104868
    expect(r.closedTrades[0]).toMatchObject({ openedTs: 1, closedTs: 2, realized: '2.494', fees: '0.104868', pnl: '2.389132' });
    // The dust left stays held; the next buy opens a round trip that is still open at the end.
    expect(r.openTrade).toEqual({ openedTs: 3, entryPrice: '100', amount: '0.1' });
  });
});

describe('EquityRecorder', () => {
  it('keeps memory bounded over a year of one-minute steps and the last point exact', () => {
    const rec = new EquityRecorder(500);
    const steps = 525_600;
    for (let i = 0; i < steps; i++) rec.record(i * 60_000, dec(String(1000 + (i % 7))), dec('100'), i % 4 === 0);
    const curve = rec.curve();
    expect(curve.length).toBeLessThanOrEqual(1001);
    expect(curve.length).toBeGreaterThanOrEqual(500);
    expect(curve[0]?.ts).toBe(0);
    expect(curve[curve.length - 1]).toEqual({ ts: (steps - 1) * 60_000, equity: String(1000 + ((steps - 1) % 7)), price: 100 });
    expect(curve.every((p, i) => i === 0 || p.ts > (curve[i - 1]?.ts ?? 0))).toBe(true);
    expect(rec.exposure()).toBe(0.25);
    expect(rec.stepCount).toBe(steps);
  });

  it('values an equity given as a function only for the points it keeps, the same as given as a value', () => {
    const eager = new EquityRecorder(50);
    const lazy = new EquityRecorder(50);
    let valued = 0;
    const steps = 10_000;
    for (let i = 0; i < steps; i++) {
      const e = String(1000 + (i % 13));
      eager.record(i * 60_000, dec(e), 100, i % 3 === 0);
      lazy.record(i * 60_000, () => (valued++, dec(e)), 100, i % 3 === 0);
    }
    // Nothing is valued while recording: a point sampled now may be thinned out later.
    expect(valued).toBe(0);
    const curve = lazy.curve();
    expect(curve).toEqual(eager.curve());
    // Only the points still kept when the curve is read were valued, each once.
    expect(valued).toBe(curve.length);
    expect(valued).toBeLessThan(2 * 50 + 1);
    expect(lazy.exposure()).toBe(eager.exposure());
    expect(lazy.dailyCloses()).toEqual(eager.dailyCloses());
    expect(lazy.curve()).toEqual(curve);
    expect(valued).toBeLessThanOrEqual(curve.length + lazy.dailyCloses().length);
  });
});

describe('EquityRecorder.recordMarked', () => {
  it('is record with the equity cash + base × mark, valued only for the points kept', () => {
    const byFunction = new EquityRecorder(40);
    const marked = new EquityRecorder(40);
    const steps = 5_000;
    for (let i = 0; i < steps; i++) {
      // Flat on some steps (base 0: the equity is the cash), holding on others; marks are closes read from text.
      const cash = dec(String(1000 - (i % 11)));
      const base = i % 5 === 0 ? dec('0') : dec(`0.00${(i % 97) + 1}`);
      const mark = Number(`${60000 + (i % 113)}.${i % 10}`);
      byFunction.record(i * 60_000, base.gt(dec('0')) ? () => cash.plus(base.times(dec(String(mark)))) : cash, mark, i % 5 !== 0);
      marked.recordMarked(i * 60_000, cash, base, mark, i % 5 !== 0);
    }
    expect(marked.curve()).toEqual(byFunction.curve());
    expect(marked.dailyCloses()).toEqual(byFunction.dailyCloses());
    expect(marked.exposure()).toBe(byFunction.exposure());
    expect(marked.curve().at(-1)).toEqual({ ts: (steps - 1) * 60_000, equity: '1313.14787', price: 60027.9 });
  });
});

describe('EquityRecorder, steps sharing a time', () => {
  it('closes the day on the last step recorded, not on an earlier one at the same time that was sampled', () => {
    // A backtest re-evaluates its last candle until the clock reaches it (a file with gaps): the
    // steps share the candle's time, and an order in between moves the equity.
    for (const stride of [1, 2, 3]) {
      const rec = new EquityRecorder(2);
      for (let i = 1; i <= 5 * stride; i++) rec.recordMarked(60_000, dec(String(1000 + i)), dec('0'), 100, false);
      const last = String(1000 + 5 * stride);
      expect(rec.dailyCloses()).toEqual([{ day: 0, ts: 60_000, equity: last }]);
      rec.recordMarked(86_400_000 + 60_000, dec('7'), dec('0'), 100, false);
      expect(rec.dailyCloses()[0]).toEqual({ day: 0, ts: 60_000, equity: last });
    }
  });
});

describe('EquityRecorder daily closes', () => {
  it('keeps the equity of the last step of every UTC day, exactly, however thin the curve', () => {
    const rec = new EquityRecorder(10);
    const day = 86_400_000;
    // Three days and a bit of 1-minute steps, stamped at their candles' closes; the equity is the step's index.
    const steps = 3 * 1440 + 30;
    for (let i = 0; i < steps; i++) rec.record((i + 1) * 60_000, dec(String(i)), 100, false);
    // The step at 00:00 closes the day before (its candle's).
    expect(rec.dailyCloses()).toEqual([
      { day: 0, ts: day, equity: '1439' },
      { day, ts: 2 * day, equity: '2879' },
      { day: 2 * day, ts: 3 * day, equity: '4319' },
      { day: 3 * day, ts: steps * 60_000, equity: String(steps - 1) },
    ]);
    expect(new EquityRecorder().dailyCloses()).toEqual([]);
  });
});

describe('round trips with stop levels and exit reasons', () => {
  it('takes each round trip its stop and last trailing level, and names what closed it', () => {
    const stops = new StopLevelRecorder();
    stops.record(10, dec('95'), null); // opened at 10: the hard stop
    stops.record(11, dec('95'), null); // unchanged: not kept
    stops.record(12, dec('95'), dec('101'));
    stops.record(13, dec('95'), dec('103.5')); // the trail moves up
    stops.record(14, null, null); // closed
    stops.record(20, dec('99'), null);
    stops.record(21, null, null);
    expect(stops.levels()).toHaveLength(6);
    const fills = [
      { ...fill(10, 'buy', '100', '0.25', '0.0005', 'BTC'), reason: 'signal: EMA cross up' },
      { ...fill(14, 'sell', '103.4', '0.2495', '0.05', 'USDT'), reason: 'exit EXIT.TRAILING_STOP: price 103.4 <= trailing stop 103.5 (peak 105 − 1.5 %)' },
      { ...fill(20, 'buy', '104', '0.25', '0.0005', 'BTC'), reason: 'signal: EMA cross up' },
      { ...fill(21, 'sell', '98.9', '0.2495', '0.05', 'USDT'), reason: 'exit EXIT.STOP_LOSS: price 98.9 <= stop 99' },
    ];
    const book = roundTrips(fills, 'BTC', 'BTC/USDT', undefined, stops.levels());
    expect(book.trips.map((t) => [t.exitReason, t.stop, t.trail])).toEqual([
      ['EXIT.TRAILING_STOP', '95', '103.5'],
      ['EXIT.STOP_LOSS', '99', null],
    ]);
    expect(exitReasonOf('signal: EMA 9/21 cross down')).toBe('signal');
    expect(exitReasonOf(null)).toBe('unknown');
  });
});
