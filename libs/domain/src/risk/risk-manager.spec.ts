import fc from 'fast-check';
import { dec } from '../money/decimal';
import { MS, utcDayStart } from '../time/clock';
import { T0, aBuyIntent, aRiskConfig, aRiskState, aSellIntent, aTicker, anOrderBook } from '../testing';
import type { RiskConfig } from './config';
import { DEFAULT_RISK_RULES, RiskManager } from './risk-manager';
import { QUIET_PASS, type RiskState, type TradeIntent } from './types';

const check = (intent: TradeIntent, state: Partial<RiskState> = {}, config: Partial<RiskConfig> = {}) =>
  new RiskManager(aRiskConfig(config)).check(intent, aRiskState(state));

/** A state that breaks every entry rule at once. */
const everythingWrong: Partial<RiskState> = {
  ticker: aTicker({ bid: dec('39000'), ask: dec('41000') }),
  orderBook: anOrderBook(
    [['39000', '1']],
    [
      ['41000', '0.001'],
      ['45000', '10'],
    ],
  ),
  feeRate: dec('0.01'),
  positionBase: dec('0.999'),
  lastTradeTs: { 'BTC/USDT': T0 - 1_000 },
  recentOrderTs: Array.from({ length: 10 }, (_, i) => T0 - i * 60_000),
  daily: { dayStart: utcDayStart(T0), realizedQuote: dec('-90'), feesQuote: dec('10') },
  recentTrades: [1, 2, 3].map((i) => ({ closedTs: T0 - i * 1000, pnlQuote: dec('-1') })),
  equityPeakQuote: dec('10000'),
  equityQuote: dec('9500'),
  portfolio: { openPositions: 5, exposureQuote: dec('999950'), symbolOpen: false },
};

/** Which rules to break in a generated state (property specs). */
const flags = fc.record({
  cooldown: fc.boolean(),
  spread: fc.boolean(),
  fee: fc.boolean(),
  position: fc.boolean(),
  streak: fc.boolean(),
  drawdown: fc.boolean(),
  daily: fc.boolean(),
  orders: fc.boolean(),
  book: fc.boolean(),
  halted: fc.boolean(),
});
type Flags = typeof flags extends fc.Arbitrary<infer T> ? T : never;

/** A state breaking the rules `f` says, as everythingWrong breaks them. */
function stateOf(f: Flags): RiskState {
  const pick = <K extends keyof RiskState>(k: K, on: boolean): Partial<RiskState> => (on ? { [k]: everythingWrong[k] } : {});
  return aRiskState({
    ...pick('lastTradeTs', f.cooldown),
    ...pick('ticker', f.spread),
    ...pick('feeRate', f.fee),
    ...pick('positionBase', f.position),
    ...pick('recentTrades', f.streak),
    ...pick('equityQuote', f.drawdown),
    ...pick('daily', f.daily),
    ...pick('recentOrderTs', f.orders),
    ...pick('orderBook', f.book),
    tradingState: f.halted ? 'halted' : 'active',
  });
}

describe('RiskManager', () => {
  it('one manager answers each check with its own limits, sorted, whatever the checks before it were', () => {
    const rm = new RiskManager(aRiskConfig({}));
    const fresh = (intent: TradeIntent, state: Partial<RiskState>) => new RiskManager(aRiskConfig({})).check(intent, aRiskState(state));
    const sequence: [TradeIntent, Partial<RiskState>][] = [
      [aBuyIntent(), {}],
      [aSellIntent('0.001', { reduceOnly: true }), {}],
      [aBuyIntent(), everythingWrong],
      [aBuyIntent(), {}],
      [aBuyIntent(), { orderBook: null }],
      [aBuyIntent(), {}],
    ];
    for (const [intent, state] of sequence) {
      const d = rm.check(intent, aRiskState(state));
      const alone = fresh(intent, state);
      expect(Object.keys(d.limits)).toEqual(Object.keys(alone.limits));
      expect(Object.keys(d.limits)).toEqual(Object.keys(d.limits).sort());
      expect(d).toStrictEqual(alone);
    }
  });

  it('passes a sane entry and reports the limits it looked at', () => {
    const d = check(aBuyIntent());
    expect(d.reasons).toEqual([]);
    expect(d.ok).toBe(true);
    expect(d.limits).toMatchObject({
      'spread.maxPct': '0.005',
      'spread.pct': '0.000099995',
      'cooldown.sec': '60',
      'cooldown.sinceLastSec': 'never',
      'position.afterBase': '0.002499750024997500249975',
      'ordersPerHour.count': '0',
      'dailyLoss.netQuote': '0',
      'fee.pct': '0.002',
      'slippage.pct': '0',
      'slippage.avgPrice': '40004',
      'lossStreak.count': '0',
      'drawdown.quote': '0',
      'tradingState.value': 'active',
    });
  });

  it('lists EVERY failed rule, sorted by code', () => {
    const d = check(aBuyIntent(), everythingWrong);
    expect(d.ok).toBe(false);
    expect(d.violations.map((v) => v.code)).toEqual([
      'RISK.COOLDOWN',
      'RISK.DAILY_LOSS',
      'RISK.LOSS_STREAK',
      'RISK.MAX_DRAWDOWN',
      'RISK.MAX_EXPOSURE',
      'RISK.MAX_FEE',
      'RISK.MAX_OPEN_POSITIONS',
      'RISK.MAX_POSITION',
      'RISK.ORDERS_PER_HOUR',
      'RISK.SLIPPAGE',
      'RISK.SPREAD',
    ]);
    expect(d.reasons).toEqual([
      'RISK.COOLDOWN: last trade on BTC/USDT 1s ago < cooldown 60s',
      "RISK.DAILY_LOSS: today's net realized loss 100 >= limit 100",
      'RISK.LOSS_STREAK: 3 losing trades in a row >= max 3: entries paused for another 3599s',
      'RISK.MAX_DRAWDOWN: equity drawdown 500 >= max 500',
      'RISK.MAX_EXPOSURE: exposure would be 1000050 > max 1000000 quote',
      'RISK.MAX_FEE: fee 1.00% > max 0.30%',
      'RISK.MAX_OPEN_POSITIONS: 5 positions open, max 5',
      'RISK.MAX_POSITION: position would be 1.001439024390243902439024 > max 1 base',
      'RISK.ORDERS_PER_HOUR: 10 orders in the last hour >= max 10',
      'RISK.SLIPPAGE: estimated slippage 5.535% > max 0.200%',
      'RISK.SPREAD: spread 5.00% > max 0.50%',
    ]);
  });

  it("gives every numeric violation its threshold and the value observed, as decimal strings in the rule's unit", () => {
    const d = check(aBuyIntent(), everythingWrong);
    expect(d.violations.map(({ code, limit, observed }) => [code, limit, observed])).toEqual([
      ['RISK.COOLDOWN', '60', '1'],
      ['RISK.DAILY_LOSS', '100', '100'],
      ['RISK.LOSS_STREAK', '3', '3'],
      ['RISK.MAX_DRAWDOWN', '500', '500'],
      // The portfolio: 999,950 quote open plus this entry's 100; five symbols open, this one a sixth.
      ['RISK.MAX_EXPOSURE', '1000000', '1000050'],
      ['RISK.MAX_FEE', '0.003', '0.01'],
      ['RISK.MAX_OPEN_POSITIONS', '5', '6'],
      ['RISK.MAX_POSITION', '1', '1.001439024390243902439024'],
      ['RISK.ORDERS_PER_HOUR', '10', '10'],
      ['RISK.SLIPPAGE', '0.002', d.limits['slippage.pct']],
      ['RISK.SPREAD', '0.005', '0.05'],
    ]);
    // No book: the threshold is known, the observed value is not (and is left out, never "unknown" as a number).
    const blind = check(aBuyIntent(), { orderBook: null }).violations.find((v) => v.code === 'RISK.SLIPPAGE');
    expect(blind).toEqual({ code: 'RISK.SLIPPAGE', message: 'no order book to estimate slippage', limit: '0.002' });
    // A state, not a number: neither.
    const halted = check(aBuyIntent(), { tradingState: 'halted' }).violations.find((v) => v.code === 'RISK.TRADING_STATE');
    expect(halted).toEqual({ code: 'RISK.TRADING_STATE', message: expect.any(String) });
  });

  it('never blocks an order that reduces or closes a position with entry-only rules', () => {
    expect(check(aSellIntent('0.5'), everythingWrong)).toMatchObject({ ok: true, reasons: [] });
    expect(check(aSellIntent('0.5', { protective: true }), everythingWrong).ok).toBe(true);
  });

  it('every limit set to 0 is off', () => {
    const off: Partial<RiskConfig> = {
      cooldownSec: 0,
      maxSpreadPct: dec('0'),
      maxPositionBase: dec('0'),
      maxOrdersPerHour: 0,
      dailyLossLimitQuote: dec('0'),
      maxFeePct: dec('0'),
      maxSlippagePct: dec('0'),
      lossStreakMax: 0,
      maxDrawdownQuote: dec('0'),
      maxOpenPositions: 0,
      maxTotalExposureQuote: dec('0'),
    };
    const d = check(aBuyIntent(), everythingWrong, off);
    expect(d.ok).toBe(true);
    expect(Object.entries(d.limits).filter(([, v]) => v === 'off')).toHaveLength(11);
  });

  describe('trading state', () => {
    it.each([
      ['active', 'buy', false, true],
      ['active', 'sell', false, true],
      ['reducing', 'buy', false, false],
      ['reducing', 'sell', false, true],
      ['reducing', 'sell', true, true],
      ['halted', 'buy', false, false],
      ['halted', 'sell', false, false],
      ['halted', 'sell', true, true],
    ] as const)('%s: %s (protective %s) → ok %s', (tradingState, side, protective, ok) => {
      const intent = side === 'buy' ? aBuyIntent({ protective }) : aSellIntent('0.01', { protective });
      const d = check(intent, { tradingState });
      expect(d.ok).toBe(ok);
      if (!ok) expect(d.violations.map((v) => v.code)).toEqual(['RISK.TRADING_STATE']);
    });
  });

  describe('intent sanity (applies to exits too)', () => {
    it.each([
      ['both amounts', aBuyIntent({ baseAmount: dec('1') }), 'give exactly one of quoteAmount and baseAmount'],
      ['no amount', aSellIntent('1', { baseAmount: undefined }), 'give exactly one of quoteAmount and baseAmount'],
      ['zero amount', aSellIntent('0'), 'amount 0 must be > 0'],
      ['reduce-only buy', aBuyIntent({ reduceOnly: true }), 'a buy cannot be reduce-only in a long-only bot'],
      ['protective buy', aBuyIntent({ protective: true }), 'a buy cannot be a protective exit'],
      ['other symbol', aSellIntent('1', { symbol: 'ETH/USDT' }), 'ticker is for BTC/USDT, intent for ETH/USDT'],
    ])('%s', (_n, intent, message) => {
      const d = check(intent);
      expect(d.violations).toContainEqual({ code: 'RISK.INVALID_INTENT', message });
    });
  });

  it('a halt lets a protective sell through but never a buy that calls itself protective', () => {
    expect(check(aSellIntent('0.001', { protective: true, reduceOnly: true }), { tradingState: 'halted' }).ok).toBe(true);
    const buy = check(aBuyIntent({ protective: true }), { tradingState: 'halted' });
    expect(buy.ok).toBe(false);
    expect(buy.violations.map((v) => v.code)).toContain('RISK.INVALID_INTENT');
  });

  describe('single rules at their edges', () => {
    it('cooldown ends exactly after N seconds', () => {
      expect(check(aBuyIntent(), { lastTradeTs: { 'BTC/USDT': T0 - 59_999 } }).ok).toBe(false);
      expect(check(aBuyIntent(), { lastTradeTs: { 'BTC/USDT': T0 - 60_000 } }).ok).toBe(true);
      expect(check(aBuyIntent(), { lastTradeTs: { 'ETH/USDT': T0 } }).ok).toBe(true);
    });

    it('spread: a crossed or empty quote fails closed', () => {
      const d = check(aBuyIntent(), { ticker: aTicker({ bid: dec('0'), ask: dec('40004') }) });
      expect(d.reasons).toContain('RISK.SPREAD: no usable quote (bid 0, ask 40004)');
    });

    it('max position counts a base-sized buy and what is held', () => {
      expect(check(aBuyIntent({ quoteAmount: undefined, baseAmount: dec('0.5') }), { positionBase: dec('0.5') }).ok).toBe(true);
      expect(check(aBuyIntent({ quoteAmount: undefined, baseAmount: dec('0.5') }), { positionBase: dec('0.500001') }).ok).toBe(false);
    });

    it('max open positions: adding to a symbol already open opens none; without a portfolio only this symbol counts', () => {
      const full = { openPositions: 2, exposureQuote: dec('0'), symbolOpen: false };
      expect(check(aBuyIntent(), { portfolio: full }, { maxOpenPositions: 2 }).reasons).toEqual(['RISK.MAX_OPEN_POSITIONS: 2 positions open, max 2']);
      expect(check(aBuyIntent(), { portfolio: { ...full, symbolOpen: true } }, { maxOpenPositions: 2, maxPositionBase: dec('0') }).ok).toBe(true);
      expect(check(aBuyIntent(), { portfolio: { ...full, openPositions: 1 } }, { maxOpenPositions: 2 }).ok).toBe(true);
      expect(check(aBuyIntent(), {}, { maxOpenPositions: 1 }).ok).toBe(true);
      expect(check(aBuyIntent(), { positionBase: dec('0.001') }, { maxOpenPositions: 1 }).limits['positions.open']).toBe('1');
    });

    it('max exposure: what is open plus the entry, at most the limit (equal passes)', () => {
      const portfolio = { openPositions: 1, exposureQuote: dec('400'), symbolOpen: false };
      expect(check(aBuyIntent({ quoteAmount: dec('100') }), { portfolio }, { maxTotalExposureQuote: dec('500') }).ok).toBe(true);
      expect(check(aBuyIntent({ quoteAmount: dec('100.01') }), { portfolio }, { maxTotalExposureQuote: dec('500') }).reasons).toEqual([
        'RISK.MAX_EXPOSURE: exposure would be 500.01 > max 500 quote',
      ]);
      // Without a portfolio: this symbol's base at the ask (0.01 × 40004 = 400.04) plus the entry.
      expect(
        check(aBuyIntent({ quoteAmount: dec('100') }), { positionBase: dec('0.01') }, { maxTotalExposureQuote: dec('500') }).limits['exposure.afterQuote'],
      ).toBe('500.04');
    });

    it('orders per hour is a rolling hour', () => {
      const ts = Array.from({ length: 10 }, (_, i) => T0 - MS.hour + i); // the oldest is exactly an hour old
      expect(check(aBuyIntent(), { recentOrderTs: ts }).limits['ordersPerHour.count']).toBe('9');
      expect(check(aBuyIntent(), { recentOrderTs: ts }).ok).toBe(true);
    });

    it('daily loss: fees count, and yesterday does not', () => {
      const day = utcDayStart(T0);
      expect(check(aBuyIntent(), { daily: { dayStart: day, realizedQuote: dec('-99.99'), feesQuote: dec('0.01') } }).ok).toBe(false);
      expect(check(aBuyIntent(), { daily: { dayStart: day, realizedQuote: dec('-99.98'), feesQuote: dec('0.01') } }).ok).toBe(true);
      expect(check(aBuyIntent(), { daily: { dayStart: day - MS.day, realizedQuote: dec('-500'), feesQuote: dec('0') } }).ok).toBe(true);
    });

    it('slippage: fails closed without a book or with a thin one, measures a buy by base amount across two levels', () => {
      expect(check(aBuyIntent(), { orderBook: null }).reasons).toContain('RISK.SLIPPAGE: no order book to estimate slippage');
      const thin = anOrderBook([['40000', '0.001']], [['40004', '0.001']]);
      expect(check(aBuyIntent(), { orderBook: thin }).reasons).toContain('RISK.SLIPPAGE: visible book too thin for the order (fills 0.001 base)');
      expect(check(aBuyIntent({ quoteAmount: undefined, baseAmount: dec('0.6') })).limits['slippage.pct']).toBe('0.0000249975');
    });

    it('loss streak: a win or a 0 breaks it, and the pause ends', () => {
      const losses = (n: number, lastTs: number) => Array.from({ length: n }, (_, i) => ({ closedTs: lastTs - i, pnlQuote: dec('-5') }));
      expect(check(aBuyIntent(), { recentTrades: losses(2, T0 - 1) }).ok).toBe(true);
      expect(check(aBuyIntent(), { recentTrades: [...losses(2, T0 - 1), { closedTs: T0 - 100, pnlQuote: dec('0') }, ...losses(3, T0 - 200)] }).ok).toBe(true);
      expect(check(aBuyIntent(), { recentTrades: losses(3, T0 - 3_600_000) }).ok).toBe(true);
      expect(check(aBuyIntent(), { recentTrades: losses(3, T0 - 3_599_999) }).ok).toBe(false);
    });

    it('drawdown counts only falls below the peak', () => {
      expect(check(aBuyIntent(), { equityPeakQuote: dec('100'), equityQuote: dec('120') }).limits['drawdown.quote']).toBe('0');
    });
  });

  it('refuses two rules that report the same limit key (a bug, so it throws)', () => {
    const twin = { ...DEFAULT_RISK_RULES[2]!, code: 'RISK.SPREAD' as const };
    expect(() => new RiskManager(aRiskConfig(), [DEFAULT_RISK_RULES[2]!, twin]).check(aBuyIntent(), aRiskState())).toThrow(/both report limit cooldown.sec/);
  });

  it('verdict says what check says about passing and about the watched rules, whatever else fails (property)', () => {
    const codes = DEFAULT_RISK_RULES.map((r) => r.code);
    let stoppedEarly = 0;
    fc.assert(
      fc.property(flags, fc.subarray(codes), fc.boolean(), (f, watch, sell) => {
        const state = stateOf(f);
        const intent = sell ? aSellIntent('0.01') : aBuyIntent();
        let evaluated = 0;
        const counted = DEFAULT_RISK_RULES.map((r) => ({ ...r, evaluate: (c: Parameters<typeof r.evaluate>[0]) => (evaluated++, r.evaluate(c)) }));
        const full = new RiskManager(aRiskConfig()).check(intent, state);
        const v = new RiskManager(aRiskConfig(), counted).verdict(intent, state, watch);
        expect(v.ok).toBe(full.ok);
        expect([...v.failing].sort()).toEqual(full.violations.map((x) => x.code).filter((c) => watch.includes(c)));
        if (evaluated < DEFAULT_RISK_RULES.filter((r) => !sell || !r.entryOnly).length) stoppedEarly++;
      }),
      { numRuns: 300 },
    );
    // It did skip rules after a failure (the point of it), not only agree.
    expect(stoppedEarly).toBeGreaterThan(0);
  });

  it('a rule told verdictOnly fails exactly when it fails otherwise, and passes quietly (property)', () => {
    let quiet = 0;
    fc.assert(
      fc.property(flags, fc.boolean(), (f, sell) => {
        const ctx = { intent: sell ? aSellIntent('0.01') : aBuyIntent(), state: stateOf(f), config: aRiskConfig() };
        for (const rule of DEFAULT_RISK_RULES) {
          const full = rule.evaluate(ctx);
          const v = rule.evaluate({ ...ctx, verdictOnly: true });
          expect(v.failure === null).toBe(full.failure === null);
          if (v === QUIET_PASS) quiet++;
        }
      }),
      { numRuns: 300 },
    );
    // The quiet pass was taken (the point of it), not only agreed with.
    expect(quiet).toBeGreaterThan(0);
  });

  it('reasons are independent of rule order (property)', () => {
    fc.assert(
      fc.property(flags, fc.shuffledSubarray([...DEFAULT_RISK_RULES], { minLength: DEFAULT_RISK_RULES.length }), fc.boolean(), (f, shuffled, sell) => {
        const state = stateOf(f);
        const intent = sell ? aSellIntent('0.01') : aBuyIntent();
        const a = new RiskManager(aRiskConfig()).check(intent, state);
        const b = new RiskManager(aRiskConfig(), shuffled).check(intent, state);
        expect(b).toEqual(a);
        expect(JSON.stringify(b.limits)).toBe(JSON.stringify(a.limits));
      }),
    );
  });
});
