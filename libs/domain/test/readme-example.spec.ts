// The example in ../README.md, kept runnable: if this spec changes, update the README with it.
import {
  ExitPolicy,
  Instrument,
  RiskManager,
  applyFill,
  clientOrderId,
  createStrategy,
  dec,
  FieldReader,
  fmt,
  lazySignal,
  Sma,
  StreamingStrategy,
  strategyFactory,
  flatPosition,
  idempotencyKey,
  str,
  timeframeMs,
  utcDayStart,
  validateExitConfig,
  validateRiskConfig,
  type Candle,
  type Signal,
  type StrategyDefinition,
} from '@cab/domain';
import { BINANCE_1H, loadCandles } from './candles';

it('runs the README example end to end', () => {
  const candles: Candle[] = loadCandles(BINANCE_1H).slice(0, 400);
  const now = candles.at(-1)!.ts + 3_600_000;

  // --- README example starts ---
  const btc = new Instrument({
    symbol: 'BTC/USDT',
    base: 'BTC',
    quote: 'USDT',
    priceTick: '0.01',
    amountStep: '0.00001',
    minBase: '0.00001',
    minNotional: '3',
    takerFee: '0.002',
    makerFee: '0.002',
  });

  const strategy = createStrategy('ema_cross_rsi', { fastPeriod: 12, slowPeriod: 26 });
  if (!strategy.ok) throw new Error(strategy.error.join('\n'));
  const btcStrategy = strategy.value.create(); // one running instance per symbol
  for (const c of candles) btcStrategy.update(c); // every closed candle once, oldest first
  const signal = btcStrategy.signal({ symbol: 'BTC/USDT', timeframeMs: timeframeMs('1h')!, now });
  // signal: { action: 'buy' | 'sell' | 'hold', reasons: ['SIGNAL.NO_CROSS: EMA(12) … vs EMA(26) … (above)'] }

  const risk = validateRiskConfig({
    cooldownSec: 300,
    maxSpreadPct: '0.005',
    maxPositionBase: '0.05',
    maxOrdersPerHour: 6,
    dailyLossLimitQuote: '50',
    maxFeePct: '0.003',
    maxSlippagePct: '0.002',
    lossStreakMax: 3,
    lossStreakPauseSec: 3600,
    maxDrawdownQuote: '200',
  });
  if (!risk.ok) throw new Error(risk.error.join('\n'));
  const ticker = { symbol: 'BTC/USDT', bid: dec('43000.10'), ask: dec('43000.20'), last: dec('43000.15'), ts: now };
  const decision = new RiskManager(risk.value).check(
    { symbol: 'BTC/USDT', side: 'buy', quoteAmount: dec('100'), ts: now },
    {
      tradingState: 'active',
      ticker,
      feeRate: btc.takerFee,
      positionBase: dec('0'),
      orderBook: { symbol: 'BTC/USDT', ts: now, bids: [{ price: dec('43000.10'), amount: dec('2') }], asks: [{ price: dec('43000.20'), amount: dec('2') }] },
      lastTradeTs: {},
      recentOrderTs: [],
      recentTrades: [],
      daily: { dayStart: utcDayStart(now), realizedQuote: dec('0'), feesQuote: dec('0') },
      equityPeakQuote: dec('1000'),
      equityQuote: dec('1000'),
    },
  );
  // decision: { ok: true, reasons: [], violations: [], limits: { 'spread.pct': '0.0000023256', … } }

  const key = idempotencyKey('BTC/USDT', 'buy', now, 60_000); // 'BTC/USDT:buy:<minute>'
  // The venue adapter declares its client id format (Gate's below); the domain derives the id in it.
  const text = clientOrderId(key, { prefix: 't-', maxLength: 28, bodyChar: /[0-9A-Za-z_.-]/ }); // 't-BTC_USDT-b-<minute>'

  // Gate takes a buy's fee in base: the position is what arrived, filled − fee.
  const qty = btc.qty(dec('100').div(ticker.ask)); // quantized down to the amount step
  const fee = qty.times(btc.takerFee);
  const { position } = applyFill(flatPosition('BTC/USDT'), { side: 'buy', amount: qty, price: ticker.ask, fee, feeCurrency: 'base', ts: now });

  const exits = validateExitConfig({ stopPct: '0.02', trailActivatePct: '0.01', trailPct: '0.005', takeProfitPct: '0' });
  if (!exits.ok) throw new Error(exits.error.join('\n'));
  const policy = new ExitPolicy(exits.value);
  let exitState = policy.open(ticker.ask);
  const d = policy.evaluate(exitState, dec('42100'));
  const why = d.action === 'exit' ? `${d.reason} ${d.message}` : 'hold'; // 'EXIT.STOP_LOSS price 42100 <= stop 42140.196 …'
  exitState = d.state;
  // --- README example ends ---

  expect(['buy', 'sell', 'hold']).toContain(signal.action);
  expect(signal.reasons.length).toBeGreaterThan(0);
  expect(decision.ok).toBe(true);
  expect(decision.limits['spread.pct']).toBe('0.0000023256');
  expect(text).toBe(`t-BTC_USDT-b-${Math.floor(now / 60_000)}`);
  expect(str(qty)).toBe('0.00232');
  expect(str(position.base)).toBe('0.00231536');
  expect(d).toMatchObject({ action: 'exit', reason: 'EXIT.STOP_LOSS' });
  expect(exitState.peakPrice.eq(ticker.ask)).toBe(true);
  expect(why).toBe('EXIT.STOP_LOSS price 42100 <= stop 42140.196 (entry 43000.2 − 2.00%)');
});

// --- README strategy example starts ---
interface SmaCrossParams {
  readonly fast: number;
  readonly slow: number;
}

class SmaCross extends StreamingStrategy {
  readonly name = 'sma_cross';
  readonly warmup: number;
  private fast!: Sma;
  private slow!: Sma;
  private wasAbove = false;

  constructor(readonly params: SmaCrossParams) {
    super();
    this.warmup = params.slow + 1; // one candle more than the slow SMA needs: a cross needs a "before"
    this.onReset();
  }
  protected onReset(): void {
    this.fast = new Sma(this.params.fast);
    this.slow = new Sma(this.params.slow);
    this.wasAbove = false;
  }
  protected onCandle(c: Candle): void {
    this.wasAbove = this.fast.value > this.slow.value;
    this.fast.update(c.close);
    this.slow.update(c.close);
  }
  protected decide(): Signal {
    const f = this.fast.value;
    const s = this.slow.value;
    if (f > s && !this.wasAbove) return lazySignal('buy', () => [`SIGNAL.SMA_CROSS_UP: SMA ${fmt(f)} > ${fmt(s)}`]);
    if (f < s && this.wasAbove) return lazySignal('sell', () => [`SIGNAL.SMA_CROSS_DOWN: SMA ${fmt(f)} < ${fmt(s)}`]);
    return lazySignal('hold', () => [`SIGNAL.NO_CROSS: SMA ${fmt(f)} vs ${fmt(s)}`]);
  }
}

const smaCross: StrategyDefinition<SmaCrossParams> = {
  name: 'sma_cross',
  defaults: { fast: 10, slow: 30 },
  validate(p) {
    const r = new FieldReader();
    const v = { fast: r.integer('fast', p['fast'], 1, 1000), slow: r.integer('slow', p['slow'], 2, 1000) };
    r.check(v.fast < v.slow, `fast (${String(p['fast'])}) must be < slow (${String(p['slow'])})`);
    return r.done(v);
  },
  create: (p) => new SmaCross(p),
};
// --- README strategy example ends ---

it('runs the README strategy example: a strategy of your own, streamed', () => {
  const candles: Candle[] = loadCandles(BINANCE_1H).slice(0, 400);
  const now = candles.at(-1)!.ts + 3_600_000;
  const mine = strategyFactory(smaCross, { fast: 5 });
  if (!mine.ok) throw new Error(mine.error.join('\n'));
  expect({ name: mine.value.name, warmup: mine.value.warmup, params: mine.value.params }).toEqual({
    name: 'sma_cross',
    warmup: 31,
    params: { fast: 5, slow: 30 },
  });
  const eth = mine.value.create();
  const actions: string[] = [];
  for (const c of candles) {
    eth.update(c);
    actions.push(eth.signal({ symbol: 'ETH/USDT', timeframeMs: timeframeMs('1h')!, now: c.ts + 3_600_000, inPosition: false }).action);
  }
  // Flat throughout: it buys on crosses up, never sells.
  expect(actions.filter((a) => a === 'buy').length).toBeGreaterThan(3);
  expect(actions).not.toContain('sell');
  expect(eth.signal({ symbol: 'ETH/USDT', timeframeMs: timeframeMs('1h')!, now }).reasons[0]).toMatch(/^SIGNAL\.(SMA_CROSS_UP|SMA_CROSS_DOWN|NO_CROSS): SMA /);
  expect(strategyFactory(smaCross, { fast: 40, colour: 1 })).toEqual({
    ok: false,
    error: ['colour: not a parameter of sma_cross', 'fast (40) must be < slow (30)'],
  });
});
