import type { Candle } from '@cab/domain';
import type { BalanceDTO, BrokerResult, FillDTO, OrderDTO } from '../ports/broker';
import type { OrderRecord } from '../ports/orders-repository';
import type { HaltCode } from '../pipeline/trading-state';
import type { CandleQuote } from './venue-view';

/**
 * What the TradingCore is told (docs/core.md, "Shape"): one event at a time, each handled to the
 * end before the next. The core keeps nothing of an event object once `handle` returns, so a
 * driver may reuse one object per kind (the backtest does: no allocation per candle).
 */
export type CoreEvent =
  CandleClosedEvent | EvaluateEvent | QuoteEvent | OrderReportEvent | ReconcileReportEvent | AdoptionStoredEvent | OperatorEvent | EdgeHaltEvent;

/** A candle closed: the strategy is fed it, then one evaluation and one exit check run on `quote` (the ticker after it). */
export interface CandleClosedEvent {
  readonly kind: 'candle-closed';
  readonly symbol: string;
  readonly candle: Candle;
  readonly quote: CandleQuote;
  readonly timeframeMs: number;
}

/**
 * The evaluation timer: one evaluation on what the strategy has been fed so far (a driver that
 * feeds candles itself, `TradingCore.feed`/`seed`, as the backtest's catch-up does). No exit check:
 * that is a QuoteEvent, so a driver can carry out the evaluation's order in between: an order is
 * settled before the exit check looks.
 */
export interface EvaluateEvent {
  readonly kind: 'evaluate';
  readonly symbol: string;
  readonly quote: CandleQuote;
  readonly timeframeMs: number;
}

/** A new quote: the protective exits look at it (nothing else does). */
export interface QuoteEvent {
  readonly kind: 'quote';
  readonly symbol: string;
  readonly quote: CandleQuote;
}

/**
 * The venue's word on one of our orders: the answer to its PlaceOrder, or any later look at it
 * (ack, partial, fill, cancel, reject). Reports may come late, twice or out of order: filled
 * amounts only grow and fills count once by trade id. An `ambiguous` error is "outcome unknown":
 * the order stays in flight, never re-sent (docs/lessons.md #2).
 */
export interface OrderReportEvent {
  readonly kind: 'order-report';
  readonly clientOrderId: string;
  /**
   * `send`: the answer to the order's PlaceOrder; an error then settles it (refused; `ambiguous`:
   * in flight). `look`: a later look (fetchOrder); an error then says nothing about the order — a
   * lookup's "not found" may be an order still on its way, so only a ReconcileReport's `notFound`,
   * after the grace, closes one.
   */
  readonly answer: 'send' | 'look';
  readonly result: BrokerResult<OrderDTO>;
}

/** What one reconcile look found on the venue for one symbol. */
export interface SymbolReconcile {
  readonly symbol: string;
  /** The venue's open orders on the symbol (ours are applied; others are adopted). */
  readonly openOrders: readonly OrderDTO[];
  /** Orders of ours looked up by client order id. */
  readonly observed: readonly OrderDTO[];
  /** Client order ids looked up that the venue does not know. */
  readonly notFound: readonly string[];
  /** The symbol's balances; null when they could not be read. */
  readonly balance: BalanceDTO | null;
  /** The venue's trades read on this pass and the orders behind them; absent: none were asked for (the cursor stays). */
  readonly trades?: TradesRead;
}

/**
 * What a reconcile pass read of the venue's trades on one symbol (docs/core.md, "Reconcile"): from
 * `since` (the core's cursor, or the first look-back, reaching back to the oldest order of ours
 * never acknowledged), the trades, the orders behind them the core did not know by exchange id
 * (fetched by it, with their trades), and what could not be read — from where, and why — so the
 * core moves the symbol's cursor or holds it.
 */
export interface TradesRead {
  /** When the pass was asked for (the edge's clock): the cursor moves to this less the overlap. */
  readonly startedAt: number;
  /** The look-back read from. */
  readonly since: number;
  /** The trades read (empty when the read failed: see `unread`). */
  readonly fills: readonly FillDTO[];
  /** Orders behind those trades that the core did not know when the pass was asked for, fetched by exchange id. */
  readonly orders: readonly OrderDTO[];
  /** What could not be read: the whole range (`from` = since) or an order behind a trade (`from` just before its first trade). */
  readonly unread: readonly { readonly from: number; readonly why: string }[];
}

/**
 * A reconcile pass's findings, stamped with the core's sequence number when it was requested
 * (`TradingCore.seq` then). Observed orders are always applied (a look only adds what the venue
 * did). A symbol settled since the request is compared with nothing: its balance and its
 * "not found" answers predate what the core knows (a position shrunk under our own sell).
 */
export interface ReconcileReportEvent {
  readonly kind: 'reconcile-report';
  readonly requestedAtSeq: number;
  readonly symbols: readonly SymbolReconcile[];
}

/**
 * The store's word on the row of an order the core adopted (the EventDriver, once the Persist that
 * inserts it has run): stored — the core then applies what the venue showed, so the position moves
 * only once the order is in the books — or refused (nothing written; `why`), and the core lets the
 * order go and holds the symbol's trade cursor before its first trade, so a later pass adopts it.
 */
export interface AdoptionStoredEvent {
  readonly kind: 'adoption-stored';
  readonly clientOrderId: string;
  readonly ok: boolean;
  readonly why?: string;
}

/**
 * The operator (dashboard, Telegram, HTTP): stop entries (strategy sells and exits go on), halt
 * (only protective exits; our working buys are cancelled), resume (clears the operator's halts and
 * those only the operator may clear), or sell a symbol's whole position now.
 */
export type OperatorEvent =
  | { readonly kind: 'operator'; readonly action: 'stop-entries' | 'halt' | 'resume'; readonly actor: string }
  | { readonly kind: 'operator'; readonly action: 'force-exit'; readonly symbol: string; readonly actor: string }
  /**
   * Cancel one working order of ours (TradingControl.cancelOrder); the venue's answer comes back as an OrderReport.
   * `stored`: the order's row as the store holds it, read before the event, for an order the core may not hold
   * (written by another process, or before this run); the core takes it up only if it holds none by that id.
   */
  | { readonly kind: 'operator'; readonly action: 'cancel'; readonly clientOrderId: string; readonly actor: string; readonly stored?: OrderRecord };

/**
 * A halt the edge sees and the core cannot: the instance lock lost (LOCK.LOST), the watchdog's
 * stall (DMS.STALL), a signed read refused. `level` null clears it. The core keeps it beside its
 * own halts, so every decision reads one set of halts (docs/core.md, "Drivers").
 */
export interface EdgeHaltEvent {
  readonly kind: 'edge-halt';
  readonly code: HaltCode;
  readonly level: 'halted' | 'reducing' | null;
  readonly reason: string;
}
