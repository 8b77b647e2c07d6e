import type { Candle } from '@cab/domain';
import type { BrokerResult, OrderDTO } from '../ports/broker';
import type { CoreCommand } from './core-commands';
import type { CoreEvent, EvaluateEvent, QuoteEvent } from './core-events';
import type { SyncVenue } from './sync-venue';
import type { TradingCore } from './trading-core';
import type { CandleQuote } from './venue-view';

/** Mutable twins of the events the driver sends on every candle: one object each for the whole run. */
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Drives a TradingCore against a venue that answers in the same call (a backtest's SimulatedVenue):
 * each PlaceOrder is sent at once and its answer handed back as an OrderReportEvent in the same turn,
 * before the next event — so an order is settled before the exit check looks, as in the loop
 * pipeline whose recorded fills core-parity.spec.ts holds the backtest to (docs/core.md, "Drivers"). PlaceOrder (before its
 * send), Persist and Publish go to `sink` (a backtest's BacktestStore when it is to be saved). A candle with no order
 * allocates nothing here: its two events are reused objects and the core answers with its one
 * empty array.
 */
export class SyncDriver {
  private evaluateEvent: Mutable<EvaluateEvent> | null = null;
  private quoteEvent: Mutable<QuoteEvent> | null = null;

  constructor(
    readonly core: TradingCore,
    private readonly venue: SyncVenue,
    private readonly sink?: (c: CoreCommand) => void,
  ) {}

  /** One event, and everything it leads to, carried out. */
  handle(e: CoreEvent): void {
    this.run(this.core.handle(e));
  }

  /**
   * One eval tick and the exits tick after it: an evaluation on what the
   * strategy has been fed (`core.feed`, `core.seed`), its order sent and settled, then an exit check.
   */
  decide(symbol: string, quote: CandleQuote, timeframeMs: number): void {
    const ev = (this.evaluateEvent ??= { kind: 'evaluate', symbol, quote, timeframeMs });
    ev.symbol = symbol;
    ev.quote = quote;
    ev.timeframeMs = timeframeMs;
    this.run(this.core.handle(ev));
    const q = (this.quoteEvent ??= { kind: 'quote', symbol, quote });
    q.symbol = symbol;
    q.quote = quote;
    this.run(this.core.handle(q));
  }

  /**
   * The reconcile a backtest runs once, at the end, as an invariant check (docs/core.md, "Drivers":
   * nothing can drift from an in-process venue while it runs): a ReconcileReport of the venue's
   * balances, handled as any, with nothing left working on it. Answers what did not match — the
   * venue holding less base than the core's position (which the reconcile sets down to it), a
   * negative balance — one line per symbol, or an empty list. Anything here is a bug of the core or
   * of the venue, not of the market.
   */
  reconcileAtEnd(): string[] {
    const core = this.core;
    const before = core.symbols.map((symbol) => core.position(symbol).baseQty);
    const symbols = core.symbols.map((symbol) => ({ symbol, openOrders: [], observed: [], notFound: [], balance: this.venue.balance(symbol) }));
    this.handle({ kind: 'reconcile-report', requestedAtSeq: core.seq, symbols });
    const problems: string[] = [];
    core.symbols.forEach((symbol, i) => {
      const b = symbols[i]!.balance;
      const held = b === null ? 'no balance' : `${b.freeBase.plus(b.usedBase).toString()} ${b.base} (${b.freeQuote.plus(b.usedQuote).toString()} ${b.quote})`;
      const after = core.position(symbol).baseQty;
      if (b === null || !after.eq(before[i]!)) problems.push(`${symbol}: the venue holds ${held}, the core's position ${before[i]!.toString()}`);
    });
    if (problems.length === 0 && core.halts.has('RECONCILE.MISMATCH')) problems.push("the venue's balances do not reconcile (RECONCILE.MISMATCH)");
    return problems;
  }

  /** A candle closed: fed to the strategy, then `decide`. */
  candleClosed(symbol: string, candle: Candle, quote: CandleQuote, timeframeMs: number): void {
    this.core.feed(symbol, candle);
    this.decide(symbol, quote, timeframeMs);
  }

  private run(commands: readonly CoreCommand[]): void {
    for (let i = 0; i < commands.length; i++) {
      const c = commands[i]!;
      if (c.kind === 'place-order') {
        // The order's row as the core made it (live writes it ahead), then the send.
        this.sink?.(c);
        const o = c.order;
        const result: BrokerResult<OrderDTO> =
          o.side === 'buy'
            ? this.venue.marketBuyQuote(o.symbol, o.requestedQuote!, o.clientOrderId)
            : this.venue.marketSellBase(o.symbol, o.requestedBase!, o.clientOrderId);
        this.handle({ kind: 'order-report', clientOrderId: o.clientOrderId, answer: 'send', result });
      } else if (c.kind === 'cancel-order') {
        // Nothing to do: a synchronous venue's market orders are done when answered, never left working.
        this.sink?.(c);
      } else this.sink?.(c);
    }
  }
}
