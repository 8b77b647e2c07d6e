// The "tick → order through the EventDriver" row of `npm run bench` (tools/bench/README.md): the
// trading core of docs/core.md on the composed bot's real SQLite stores and paper broker.
import { performance } from 'node:perf_hooks';
import { EventDriver, TradingCore, type OrderWriteAhead, type BalanceDTO, type CandleQuote, type TickerDTO, type VirtualScheduler } from '@cab/application';
import {
  dec,
  ExitPolicy,
  RiskManager,
  validateExitConfig,
  validateRiskConfig,
  type Instrument,
  type OrderBook,
  type StrategyFactory,
  type Validated,
} from '@cab/domain';
import type { BotApp } from '@cab/infrastructure';

export interface EventTickFigures {
  /** µs from the CandleClosed event handed to the driver to the broker's send call, one per order. */
  sent: number[];
  /** µs from the CandleClosed event to the write-ahead's start: the core's decision. */
  decided: number[];
  /** µs the store's write-ahead took (OrderWriteAhead: key + order row committed), one per order. */
  writeAhead: number[];
  /** µs of the whole step: answer applied and its Persist written. */
  step: number[];
  orders: number;
}

/**
 * `ticks` candles closed one after the other on the composed app's stores and broker (the
 * orchestrator is not started: its loops take no part). Before each tick, outside the timing, the
 * venue view is refreshed from the broker (balance, book) and the quote read from the market data,
 * as a MarketDataPump would hand it over; the step is awaited to the end before the next tick.
 */
export async function eventTickToOrder(app: BotApp, vs: VirtualScheduler, strategy: StrategyFactory, ticks: number): Promise<EventTickFigures> {
  const symbol = app.settings.symbol;
  const inst = must(await app.broker.instrument(symbol));
  const view = { balance: null as BalanceDTO | null, book: null as OrderBook | null };
  const venue = {
    name: app.broker.name,
    capabilities: app.broker.capabilities,
    instrument: (s: string): Instrument | null => (s === symbol ? inst : null),
    balance: () => view.balance,
    book: () => view.book,
  };
  const core = new TradingCore({
    symbols: [symbol],
    strategy,
    risk: new RiskManager(ok(validateRiskConfig(app.settings.risk))),
    exits: new ExitPolicy(ok(validateExitConfig(app.settings.exits))),
    fixedAmount: dec(app.settings.trading.fixedAmount),
    bucketMs: app.settings.idempotency.bucketMs,
    venue,
    clock: app.clock,
    publish: true,
    persist: true,
  });
  const f: EventTickFigures = { sent: [], decided: [], writeAhead: [], step: [], orders: 0 };
  let t0 = 0;
  // The write-ahead (key + order row written: SQLite's intent log), timed around the store's own.
  const store = app.storage.writeAhead;
  const timed = <T>(work: () => T): T => {
    const a = performance.now();
    f.decided.push((a - t0) * 1000);
    try {
      return work();
    } finally {
      f.writeAhead.push((performance.now() - a) * 1000);
    }
  };
  const writeAhead: OrderWriteAhead = {
    writeAhead: (order, ttlMs) => timed(() => store.writeAhead(order, ttlMs)),
    ...(store.writeAheadNow ? { writeAheadNow: (order, ttlMs) => timed(() => store.writeAheadNow!(order, ttlMs)) } : {}),
  };
  const broker = app.broker;
  const driver = new EventDriver({
    core,
    broker: {
      createMarketBuyQuote: (s, q, id) => {
        f.sent.push((performance.now() - t0) * 1000);
        return broker.createMarketBuyQuote(s, q, id);
      },
      createMarketSellBase: (s, b, id) => {
        f.sent.push((performance.now() - t0) * 1000);
        return broker.createMarketSellBase(s, b, id);
      },
    },
    stores: { unitOfWork: app.storage.unitOfWork, safety: app.storage.safety, writeAhead },
    idempotencyTtlMs: app.settings.idempotency.ttlSec * 1000,
    publish: () => undefined,
  });
  const tf = app.marketData.timeframeMs(symbol);
  for (let i = 0; i < ticks; i++) {
    // One candle's time per tick: a CandleClosed comes once per timeframe (the risk ledger's hour then
    // holds the orders of an hour of 1m candles, not of an hour of one-second ticks).
    await vs.advance(tf);
    view.balance = must(await broker.fetchBalance(symbol));
    // As a live venue's book arrives (ccxt parses every level when it is fetched): the paper venue's
    // synthetic levels are computed lazily, when first read, which would put the first ask's exact
    // division inside the decision, a cost a live order does not have.
    const book = must(await broker.fetchOrderBook(symbol, 50));
    view.book = { ...book, asks: [...book.asks], bids: [...book.bids] };
    const ticker = mustMd(await app.marketData.ticker(symbol));
    const quote: CandleQuote = { bidApprox: Number(ticker.bid.toString()), ticker: () => ticker };
    const close = Number(ticker.last.toString());
    const candle = { ts: app.clock.now() - tf, open: close, high: close, low: close, close, volume: 1 };
    t0 = performance.now();
    driver.enqueue({ kind: 'candle-closed', symbol, candle, quote, timeframeMs: tf });
    await driver.idle();
    f.step.push((performance.now() - t0) * 1000);
  }
  f.orders = (await app.storage.orders.find({ limit: 1_000_000 })).length;
  return f;
}

function must<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}
const mustMd = (r: { ok: true; value: TickerDTO } | { ok: false; error: unknown }): TickerDTO => {
  if (!r.ok) throw new Error(`market data: ${JSON.stringify(r.error)}`);
  return r.value;
};
function ok<T>(v: Validated<T>): T {
  if (!v.ok) throw new Error(v.error.join('; '));
  return v.value;
}
