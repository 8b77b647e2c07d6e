import {
  dec,
  ExitPolicy,
  RiskManager,
  type Candle,
  type Decimal,
  type Instrument,
  type OrderBook,
  type Signal,
  type SignalAction,
  type Strategy,
  type StrategyFactory,
} from '@cab/domain';
import { anInstrument, aRiskConfig, FakeClock, T0 } from '@cab/domain/testing';
import type { BalanceDTO, BrokerError, BrokerResult, OrderDTO, TickerDTO } from '../ports/broker';
import type { CoreCommand } from './core-commands';
import type { CoreOutput } from './core-output';
import { SyncDriver } from './sync-driver';
import type { SyncVenue } from './sync-venue';
import { TradingCore } from './trading-core';
import { SYMBOL, TEST_VENUE_CAPABILITIES, TF } from '../testing';

/** Says the next scripted action after each candle (then holds). */
function scripted(actions: readonly SignalAction[]): StrategyFactory {
  return {
    name: 'scripted',
    warmup: 1,
    params: {},
    create(): Strategy {
      let n = 0;
      return {
        name: 'scripted',
        warmup: 1,
        update: () => void n++,
        signal: (): Signal => ({ action: actions[n - 1] ?? 'hold', reasons: [`step ${n}`] }),
        reset: () => void (n = 0),
      };
    },
  };
}

/** Fills a market order whole at the quote (buy at the ask, fee in base; sell at the bid, fee in quote), or answers `next` once. */
class QuoteVenue implements SyncVenue {
  readonly name = 'quote';
  readonly capabilities = TEST_VENUE_CAPABILITIES;
  readonly inst: Instrument = anInstrument({ priceTick: '0.01' });
  readonly sent: { side: string; amount: string; clientOrderId: string }[] = [];
  next: BrokerError | null = null;
  private t: TickerDTO | null = null;
  private base = dec('0');
  private quote = dec('10000');
  private ids = 0;

  constructor(private readonly clock: FakeClock) {}

  setQuote(t: TickerDTO): void {
    this.t = t;
  }
  instrument(): Instrument {
    return this.inst;
  }
  balance(symbol: string): BalanceDTO {
    return { symbol, base: 'BTC', quote: 'USDT', freeBase: this.base, usedBase: dec('0'), freeQuote: this.quote, usedQuote: dec('0') };
  }
  book(symbol: string): OrderBook | null {
    const t = this.t!;
    return { symbol, ts: t.ts, bids: [{ price: t.bid, amount: dec('100') }], asks: [{ price: t.ask, amount: dec('100') }] };
  }
  marketBuyQuote(symbol: string, quote: Decimal, clientOrderId: string): BrokerResult<OrderDTO> {
    return this.fill(symbol, 'buy', quote, clientOrderId);
  }
  marketSellBase(symbol: string, base: Decimal, clientOrderId: string): BrokerResult<OrderDTO> {
    return this.fill(symbol, 'sell', base, clientOrderId);
  }
  private fill(symbol: string, side: 'buy' | 'sell', amount: Decimal, clientOrderId: string): BrokerResult<OrderDTO> {
    this.sent.push({ side, amount: amount.toString(), clientOrderId });
    if (this.next) {
      const error = this.next;
      this.next = null;
      return { ok: false, error };
    }
    const t = this.t!;
    const now = this.clock.now();
    const price = side === 'buy' ? t.ask : t.bid;
    const base = side === 'buy' ? this.inst.qty(amount.div(price), 'down') : amount;
    const cost = base.times(price);
    const fee = side === 'buy' ? base.times('0.002') : cost.times('0.002');
    if (side === 'buy') {
      this.quote = this.quote.minus(cost);
      this.base = this.base.plus(base.minus(fee));
    } else {
      this.base = this.base.minus(base);
      this.quote = this.quote.plus(cost.minus(fee));
    }
    const id = `o${++this.ids}`;
    const feeCurrency = side === 'buy' ? 'BTC' : 'USDT';
    return {
      ok: true,
      value: {
        id,
        clientOrderId,
        symbol,
        side,
        type: 'market',
        status: 'closed',
        requestedQuote: side === 'buy' ? amount : null,
        requestedBase: side === 'sell' ? amount : null,
        filledBase: base,
        filledQuote: cost,
        averagePrice: price,
        fee,
        feeCurrency,
        createdAt: now,
        updatedAt: now,
        fills: [{ id: `${id}-1`, orderId: id, ts: now, side, price, amount: base, cost, fee, feeCurrency }],
      },
    };
  }
}

function setup(actions: readonly SignalAction[], bucketMs: number) {
  const clock = new FakeClock(T0);
  const venue = new QuoteVenue(clock);
  const core = new TradingCore({
    symbols: [SYMBOL],
    strategy: scripted(actions),
    risk: new RiskManager(aRiskConfig({ cooldownSec: 0 })),
    exits: new ExitPolicy({ stopPct: dec('0.02'), trailActivatePct: dec('0.01'), trailPct: dec('0.005'), takeProfitPct: dec('0') }),
    fixedAmount: dec('100'),
    bucketMs,
    venue,
    clock,
    publish: true,
    persist: true,
  });
  const commands: CoreCommand[] = [];
  const driver = new SyncDriver(core, venue, (c) => commands.push(c));
  const facts = (): CoreOutput[] => commands.flatMap((c) => (c.kind === 'publish' ? [c.fact] : []));
  let k = 0;
  /** The next candle closes at `close`: the core sees it with a 1 bp quote around the close. */
  const candle = (close: number): void => {
    const c: Candle = { ts: T0 + k * TF, open: close, high: close, low: close, close, volume: 1 };
    k++;
    clock.set(c.ts + TF);
    const last = dec(String(close));
    const t: TickerDTO = { symbol: SYMBOL, bid: last.times('0.99995'), ask: last.times('1.00005'), last, ts: c.ts + TF };
    venue.setQuote(t);
    driver.candleClosed(SYMBOL, c, { bidApprox: Number(t.bid.toString()), ticker: () => t }, TF);
  };
  const refusals = () => facts().flatMap((o) => (o.kind === 'refused' ? [o.reason] : []));
  return { core, venue, candle, refusals, facts, commands, clock };
}

describe('TradingCore through the SyncDriver: one step per closed candle, each order answered in the same turn', () => {
  it('buys on a buy signal, settles the answer into the position and the fills, sells on a sell', () => {
    const { core, venue, candle } = setup(['buy', 'hold', 'sell'], TF);
    candle(50_000);
    expect(venue.sent.map((s) => s.side)).toEqual(['buy']);
    expect(core.position(SYMBOL).baseQty.gt('0')).toBe(true);
    expect(core.position(SYMBOL).openedAt).toBe(T0 + TF);
    candle(50_010);
    candle(50_020);
    expect(venue.sent.map((s) => s.side)).toEqual(['buy', 'sell']);
    expect(core.position(SYMBOL).openedAt).toBeNull();
    expect(core.fills.map((f) => [f.fill.side, f.reason])).toEqual([
      ['buy', 'signal: step 1'],
      ['sell', 'signal: step 3'],
    ]);
  });

  it("refuses a second buy in one idempotency bucket: the bucket's key is taken", () => {
    const { venue, candle, refusals } = setup(['buy', 'sell', 'buy'], 3_600_000);
    candle(50_000);
    candle(50_000);
    candle(50_000);
    expect(venue.sent.map((s) => s.side)).toEqual(['buy', 'sell']);
    expect(refusals()).toEqual([expect.stringMatching(/^key BTC\/USDT:buy:\d+ is taken$/)]);
  });

  it('a buy refused as retryable (429) frees its key, but its client id stays taken for the bucket: the next bucket sends', () => {
    const { core, venue, candle, refusals } = setup(['buy', 'buy', 'buy'], 2 * TF);
    venue.next = { kind: 'retryable', code: 'RATE_LIMIT', message: '429' };
    // Buckets of 2 minutes: the first two candles close in one (T0 is 80 s into one), the third in the next.
    candle(50_000); // refused by the venue
    candle(50_000); // same bucket: the client id is taken
    candle(50_000); // next bucket: sent
    expect(venue.sent).toHaveLength(2);
    expect(venue.sent[0]?.clientOrderId).not.toBe(venue.sent[1]?.clientOrderId);
    expect(core.fills).toHaveLength(1);
    expect(refusals()).toEqual([expect.stringMatching(/exists already$/)]);
  });

  it('after a 429, a second signal in the same bucket is refused: the order with its client id exists', () => {
    const { venue, candle, refusals } = setup(['buy', 'buy'], 3_600_000);
    venue.next = { kind: 'retryable', code: 'RATE_LIMIT', message: '429' };
    candle(50_000);
    candle(50_000);
    expect(venue.sent).toHaveLength(1);
    expect(refusals()).toEqual([expect.stringMatching(/^order .+ exists already$/)]);
  });

  it('an ambiguous answer leaves the order in flight: never re-sent, and no second order on that side while it is', () => {
    const { core, venue, candle, refusals } = setup(['buy', 'buy', 'buy'], TF);
    venue.next = { kind: 'ambiguous', code: 'TIMEOUT', message: 'no answer' };
    candle(50_000);
    candle(50_000);
    candle(50_000);
    expect(venue.sent).toHaveLength(1);
    expect(core.fills).toHaveLength(0);
    expect(refusals()).toEqual([expect.stringMatching(/is not settled yet/), expect.stringMatching(/is not settled yet/)]);
  });

  it('fires the hard stop on the bid in the same step, in the exits key space, with the exit as the reason', () => {
    const { core, venue, candle, facts } = setup(['buy'], 3_600_000);
    candle(50_000);
    candle(48_000);
    expect(venue.sent.map((s) => [s.side, s.clientOrderId])).toEqual([
      ['buy', expect.any(String)],
      ['sell', expect.any(String)],
    ]);
    expect(core.fills[1]?.reason).toMatch(/^exit EXIT\.STOP_LOSS: /);
    expect(core.position(SYMBOL).openedAt).toBeNull();
    const exitOrder = facts().find((o) => o.kind === 'order' && o.order.side === 'sell');
    expect(exitOrder?.kind === 'order' && exitOrder.order.idempotencyKey).toMatch(/^BTC\/USDT:sell:\d+:EXIT\.STOP_LOSS$/);
  });

  it("an allowed entry's limits table is the decision's: its own order and the fills after it do not count, however late it is read", () => {
    const { candle, facts } = setup(['buy', 'hold', 'sell', 'buy'], TF);
    for (const p of [50_000, 50_000, 50_000, 50_000]) candle(p);
    // Read after every step has run (the sells and buys filled, the ledger moved): the tables are as decided.
    const allowed = facts().flatMap((o) => (o.kind === 'risk' && o.ok && o.side === 'buy' ? [o.limits ?? {}] : []));
    expect(allowed.map((l) => l['ordersPerHour.count'])).toEqual(['0', '2']);
    expect(allowed.map((l) => l['ordersPerHour.max'])).toEqual(['10', '10']);
  });

  it('a loss streak puts trading in reducing: the next buy is refused by risk, and the halt is reported', () => {
    const { core, venue, candle, facts } = setup(['buy', 'hold', 'buy', 'hold', 'buy', 'hold', 'buy'], TF);
    // Three losing round trips (bought, then stopped out 3 % lower), then a fourth buy signal.
    for (let i = 0; i < 3; i++) {
      candle(50_000);
      candle(48_000);
    }
    candle(50_000);
    expect(venue.sent.filter((s) => s.side === 'buy')).toHaveLength(3);
    expect(core.halts.state()).toBe('reducing');
    expect(facts().some((o) => o.kind === 'halt' && o.code === 'RISK.LOSS_STREAK')).toBe(true);
    // The refusal's fact names the rule with its threshold and what it observed (a decision log's "why").
    const refused = facts().find((o) => o.kind === 'risk' && !o.ok);
    const streak = refused?.kind === 'risk' ? refused.violations?.find((v) => v.code === 'RISK.LOSS_STREAK') : undefined;
    expect(streak).toEqual(expect.objectContaining({ limit: expect.stringMatching(/^\d+$/), observed: expect.stringMatching(/^\d+$/) }));
  });

  it('checks a new position exactly: the float shadows of the last one never skip its first checks', () => {
    // The first position leaves shadows around 60,000 (peak) and 58,800 (stop). The second opens
    // at 59,000 and rises to 59,900, which arms its trailing stop (+1 %) at 59,600; at 59,500 it
    // must fire — unless stale shadows from the first position skipped the checks in between.
    const { core, candle } = setup(['buy', 'hold', 'sell', 'buy'], TF);
    for (const p of [60_000, 60_000, 60_000, 59_000, 59_900, 59_500]) candle(p);
    expect(core.fills.map((f) => f.reason.split(':')[0])).toEqual(['signal', 'signal', 'signal', 'exit EXIT.TRAILING_STOP']);
  });
});
