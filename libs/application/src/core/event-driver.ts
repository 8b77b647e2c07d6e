import type { Broker, BrokerError, BrokerResult, OrderDTO } from '../ports/broker';
import { errorText } from '../ports/logger';
import { unitOfWorkWriteAhead, type OrderWriteAhead, type WriteAheadResult } from '../ports/order-write-ahead';
import type { OrderRecord } from '../ports/orders-repository';
import type { SafetyStateStore } from '../ports/safety-state-store';
import type { UnitOfWork } from '../ports/unit-of-work';
import type { CoreCommand, PersistCommand, RequestReconcileCommand } from './core-commands';
import type { AdoptionStoredEvent, CoreEvent } from './core-events';
import type { CoreOutput } from './core-output';
import { loadCoreSnapshot, type CoreStores } from './core-snapshot';
import type { TradingCore } from './trading-core';

export interface EventDriverOptions {
  core: TradingCore;
  /** Sends the orders (only the two market creates are used). */
  broker: Pick<Broker, 'createMarketBuyQuote' | 'createMarketSellBase'>;
  /** `writeAhead`: the store's own write-ahead of an order (SQLite's prepared statements); without it, the unit of work's. */
  stores: { unitOfWork: UnitOfWork; safety: SafetyStateStore; writeAhead?: OrderWriteAhead };
  /** IDEMPOTENCY_TTL_SEC × 1000: how long a key reserved with an order stays taken in the store. */
  idempotencyTtlMs: number;
  /** Cancels one order of ours; its answer comes back as an OrderReport (a look). Without it, CancelOrder is reported to `onError`. */
  cancel?: (symbol: string, clientOrderId: string, exchangeOrderId: string | null) => Promise<BrokerResult<OrderDTO>>;
  /** Carries out a RequestReconcile (a ReconcilePump's `request`); without it, the command is reported to `onError`. */
  reconcile?: (command: RequestReconcileCommand) => void;
  /** The core made a PlaceOrder: called as the command is carried out, before its write-ahead (the publisher pairs it with its decision). */
  placing?: (order: OrderRecord) => void;
  /** An order's row and key are committed and its send goes out now (the audit's "placing" entry). */
  sending?: (order: OrderRecord) => void;
  /** Every Publish fact, in the order the core made them. */
  publish?: (fact: CoreOutput) => void;
  /** A command that could not be carried out (a store write that failed, once per Persist: its retries are quiet): the driver goes on. */
  onError?: (command: CoreCommand, error: string) => void;
  /** How many Persists wait to be written again, after every change (a gauge). */
  onBacklog?: (pending: number) => void;
}

/** A Persist that could not be written yet: kept, in order, until it is (docs/core.md, "Drivers"). */
export interface PendingWrite {
  readonly command: PersistCommand;
  /** What it would write, in words (for the log that says what a stop could not write). */
  readonly what: string;
  /** Attempts so far (0: it waits behind an earlier one and was never tried). */
  attempts: number;
  /** The last failure (or what it waits behind). */
  error: string;
}

/**
 * The core's asynchronous driver (docs/core.md, "Drivers"): a queue of events, handled one at a
 * time by the TradingCore — the one writer — and the commands it returns carried out by adapters
 * whose results are enqueued as events again. Safety stays at this edge:
 *  - PlaceOrder is write-ahead: the idempotency key and the order row (status new) are committed
 *    in one unit of work BEFORE the send (docs/lessons.md #3); a key or client id already taken in
 *    the store (a restart inside the bucket) sends nothing and reports a refusal;
 *  - the broker's answer goes back as OrderReport{answer: 'send'}; a broker that throws is treated
 *    as ambiguous (the request may have gone out): in flight, never re-sent (docs/lessons.md #2);
 *  - Persist writes go through one chain, in the order the core made them, each in one unit of
 *    work (order row — inserted for an adopted order — new fills by trade id, position), halts and
 *    trade cursors to the SafetyStateStore. A Persist that fails is kept and retried, before any
 *    later one (which waits behind it), on the next write and on `retryWrites()`; its contents are
 *    absolute state (the order's fields, fills by trade id, the position row, halts, the cursor) so
 *    writing it twice is harmless. While any waits, the core holds the STORE.WRITE halt (halted:
 *    only protective exits), in memory only; it is cleared once the backlog is written. An adopted
 *    row is never kept: the core lets the order go and a later reconcile pass adopts it again.
 *  - start-up recovery (`recover`) is the path after a crash: the store's snapshot into the core,
 *    then the reconcile it asks for; events that come meanwhile wait in the queue.
 * Timers and market data come from the edge adapters beside it (MarketDataPump, ReconcilePump);
 * CoreRuntime composes them for paper and live.
 */
export class EventDriver {
  private readonly queue: CoreEvent[] = [];
  private draining = false;
  /** True while `recover` loads the store: events queue up and wait for the restored core. */
  private holding = false;
  /** Store writes, one after the other (write-aheads and Persists): an order's row is inserted before any Persist about it. */
  private writes: Promise<unknown> = Promise.resolve();
  /** Store writes asked and not yet settled (the chain is idle at 0). */
  private writing = 0;
  /** While a step's commands are carried out: the observers' calls (publish, placing, sending), made after its sends. */
  private observers: (() => void)[] | null = null;
  private readonly tasks = new Set<Promise<void>>();
  /** Persists that failed (and those made after them), oldest first: written again before anything newer. */
  private readonly backlog: PendingWrite[] = [];
  /** True while the STORE.WRITE halt this driver asked for is in force. */
  private storeHalted = false;
  /**
   * Orders whose write-ahead committed nothing (refused, or the store failed): the core settles them
   * as rejected and persists that, but their row is not in the store — or is another life's under the
   * same client id — so that row write is dropped, never written nor kept.
   */
  private readonly notWritten = new Set<string>();
  private readonly writeAheads: OrderWriteAhead;

  constructor(private readonly opts: EventDriverOptions) {
    this.writeAheads = opts.stores.writeAhead ?? unitOfWorkWriteAhead(opts.stores.unitOfWork);
  }

  /** Queues an event; the core handles it at once unless it is busy with another (then right after). */
  enqueue(e: CoreEvent): void {
    this.queue.push(e);
    if (this.draining || this.holding) return;
    this.drain();
  }

  /**
   * Start-up recovery (docs/core.md, "Drivers"): reads the store (open orders and their counted
   * trade ids, positions, halts, the orders the risk ledger is replayed from), hands it to
   * `core.restore` and carries out what that returns — a RequestReconcile, and the Persist of
   * each order left `new` by the crash (now in flight, never re-sent). Call it before the first
   * event; a failed read leaves the core untouched and the queue held, and the error is the caller's.
   */
  async recover(stores: CoreStores, ledgerReplayMs?: number): Promise<void> {
    const { core } = this.opts;
    this.holding = true;
    const snapshot = await loadCoreSnapshot(stores, core.symbols, core.now(), ledgerReplayMs);
    this.holding = false;
    this.draining = true;
    try {
      this.carryOut(core.restore(snapshot));
    } finally {
      this.draining = false;
    }
    this.drain();
  }

  private drain(): void {
    this.draining = true;
    try {
      for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) this.carryOut(this.opts.core.handle(next));
    } finally {
      this.draining = false;
    }
  }

  /** Resolves once nothing is queued, sent or being written (specs and an orderly stop wait on it). */
  async idle(): Promise<void> {
    while (this.tasks.size > 0) await Promise.all([...this.tasks]);
  }

  /**
   * A step's commands, in order. The observers (the publisher's audit, bus and metrics; `placing`,
   * `sending`) hear of them in the same order, but after the step's sends have gone out: an order's
   * path to the venue does not wait for what is only told about it.
   */
  private carryOut(commands: readonly CoreCommand[]): void {
    if (this.observers !== null) return this.carryOutCommands(commands);
    const observers: (() => void)[] = [];
    this.observers = observers;
    try {
      this.carryOutCommands(commands);
    } finally {
      this.observers = null;
    }
    for (const call of observers) call();
  }

  /** An observer's call: after the current step's sends, or now outside a step (a send that waited for the store). */
  private observe(call: () => void): void {
    if (this.observers !== null) this.observers.push(call);
    else call();
  }

  private carryOutCommands(commands: readonly CoreCommand[]): void {
    for (const c of commands) {
      switch (c.kind) {
        case 'place-order': {
          const placing = this.opts.placing;
          if (placing) this.observe(() => placing(c.order));
          this.track(this.place(c.order));
          break;
        }
        case 'persist':
          if (c.insert && c.order) {
            // An adopted order's row: the core applies what the venue showed only once it is stored.
            const adoption = c.order.clientOrderId;
            this.track(this.write(() => this.adopt(c, adoption)).then((e) => this.enqueue(e)));
          } else this.track(this.write(() => this.persistInOrder(c)));
          break;
        case 'publish': {
          const publish = this.opts.publish;
          if (publish) this.observe(() => publish(c.fact));
          break;
        }
        case 'request-reconcile':
          if (this.opts.reconcile) this.opts.reconcile(c);
          else this.opts.onError?.(c, 'no reconcile adapter');
          break;
        case 'cancel-order': {
          const cancel = this.opts.cancel;
          if (!cancel) {
            this.opts.onError?.(c, 'no cancel adapter');
            break;
          }
          this.track(
            cancel(c.symbol, c.clientOrderId, c.exchangeOrderId).then(
              (result) => this.enqueue({ kind: 'order-report', clientOrderId: c.clientOrderId, answer: 'look', result }),
              (err: unknown) => this.opts.onError?.(c, errorText(err)),
            ),
          );
          break;
        }
      }
    }
  }

  /**
   * Write-ahead, then the send, then the answer back to the core. With no store write in flight and
   * a store that can write ahead at once (`writeAheadNow`), the write-ahead and the send happen in
   * this same step, before the promise returns: nothing is waiting for it to be ordered behind.
   */
  private place(order: OrderRecord): Promise<void> {
    const now = this.writeAheads.writeAheadNow;
    if (now !== undefined && this.writing === 0 && this.backlog.length === 0) {
      let refusal: string | null | undefined;
      try {
        const r = now.call(this.writeAheads, order, this.opts.idempotencyTtlMs);
        refusal = r === null ? undefined : refusalText(order, r);
      } catch (err) {
        // Nothing was written, so nothing may be sent.
        refusal = `not sent: the order row could not be written: ${errorText(err)}`;
      }
      if (refusal !== undefined) return this.send(order, refusal);
    }
    return this.placeAfterWrites(order);
  }

  private async placeAfterWrites(order: OrderRecord): Promise<void> {
    let refusal: string | null;
    try {
      // The backlog is tried first (in order), but a send's own write-ahead does not wait on it: a new row
      // cannot be overwritten by an older Persist, and a protective exit must not be held by someone else's write.
      refusal = await this.write(() => (this.backlog.length > 0 ? this.flushBacklog().then(() => this.writeAhead(order)) : this.writeAhead(order)));
    } catch (err) {
      // Nothing was committed (the unit of work rolled back), so nothing may be sent.
      refusal = `not sent: the order row could not be written: ${errorText(err)}`;
    }
    return this.send(order, refusal);
  }

  /** The send of an order written ahead (`refusal` null), or its refusal answered back to the core. */
  private async send(order: OrderRecord, refusal: string | null): Promise<void> {
    if (refusal !== null) {
      this.notWritten.add(order.clientOrderId);
      return this.answer(order, { ok: false, error: { kind: 'rejected', code: 'ORDER.NOT_SENT', message: refusal } });
    }
    const { broker, sending } = this.opts;
    if (sending) this.observe(() => sending(order));
    let result: BrokerResult<OrderDTO>;
    try {
      result =
        order.side === 'buy'
          ? await broker.createMarketBuyQuote(order.symbol, order.requestedQuote!, order.clientOrderId)
          : await broker.createMarketSellBase(order.symbol, order.requestedBase!, order.clientOrderId);
    } catch (err) {
      // A broker must not throw; if one does, the request may have gone out.
      const error: BrokerError = { kind: 'ambiguous', code: 'BROKER.THREW', message: errorText(err) };
      result = { ok: false, error };
    }
    this.answer(order, result);
  }

  /** The key and the row in one unit of work (OrderWriteAhead); a refusal (key or id taken) as text, nothing written. */
  private async writeAhead(order: OrderRecord): Promise<string | null> {
    return refusalText(order, await this.writeAheads.writeAhead(order, this.opts.idempotencyTtlMs));
  }

  private answer(order: OrderRecord, result: BrokerResult<OrderDTO>): void {
    this.enqueue({ kind: 'order-report', clientOrderId: order.clientOrderId, answer: 'send', result });
  }

  /** Writes the backlog (if any) and then this Persist; one that fails, or has older ones still waiting, is kept. */
  private async persistInOrder(command: PersistCommand): Promise<void> {
    const c = this.withoutUnwrittenRow(command);
    if (c === null) return;
    if (this.backlog.length > 0) await this.flushBacklog();
    if (this.backlog.length > 0) {
      this.backlog.push({ command: c, what: describePersist(c), attempts: 0, error: 'waits behind an earlier write' });
      return this.backlogChanged();
    }
    try {
      await this.persist(c);
    } catch (err) {
      const error = errorText(err);
      this.backlog.push({ command: c, what: describePersist(c), attempts: 1, error });
      this.opts.onError?.(c, error);
      this.backlogChanged();
    }
  }

  /** The Persist without the row of an order whose write-ahead committed nothing (null: nothing left to write). */
  private withoutUnwrittenRow(c: PersistCommand): PersistCommand | null {
    if (!c.order || c.insert || !this.notWritten.delete(c.order.clientOrderId)) return c;
    const { order: _dropped, ...rest } = c;
    return rest.fills || rest.position || rest.halts || rest.tradeCursor ? rest : null;
  }

  /**
   * An adopted order's row, inserted: the core hears how it went (`adoption-stored`). Never kept in
   * the backlog — a row that could not be stored moves nothing in the core, which lets the order go
   * and adopts it again on a later pass — and never written ahead of an older Persist still waiting.
   */
  private async adopt(c: PersistCommand, clientOrderId: string): Promise<AdoptionStoredEvent> {
    if (this.backlog.length > 0) await this.flushBacklog();
    const waiting = this.backlog[0];
    if (waiting) return { kind: 'adoption-stored', clientOrderId, ok: false, why: `earlier store writes wait: ${waiting.error}` };
    try {
      await this.persist(c);
      return { kind: 'adoption-stored', clientOrderId, ok: true };
    } catch (err) {
      this.opts.onError?.(c, errorText(err));
      return { kind: 'adoption-stored', clientOrderId, ok: false, why: errorText(err) };
    }
  }

  /** Writes the waiting Persists, oldest first, and stops at the first that fails again (it stays first). */
  private async flushBacklog(): Promise<void> {
    if (this.backlog.length === 0) return;
    for (let head = this.backlog[0]; head !== undefined; head = this.backlog[0]) {
      try {
        await this.persist(head.command);
      } catch (err) {
        head.attempts++;
        head.error = errorText(err);
        return this.backlogChanged();
      }
      this.backlog.shift();
    }
    this.backlogChanged();
  }

  /**
   * Tries the waiting Persists again now, in the write chain (a runtime's timer, and its stop):
   * resolves with what is still unwritten, oldest first.
   */
  retryWrites(): Promise<readonly PendingWrite[]> {
    const done = this.write(async () => {
      await this.flushBacklog();
      return this.pendingWrites();
    });
    this.track(done.then(() => undefined));
    return done;
  }

  /** The Persists that wait to be written, oldest first (copies). */
  pendingWrites(): PendingWrite[] {
    return this.backlog.map((w) => ({ ...w }));
  }

  /** The STORE.WRITE halt follows the backlog: set when a write is kept, cleared once none is. */
  private backlogChanged(): void {
    const pending = this.backlog.length;
    this.opts.onBacklog?.(pending);
    const head = this.backlog[0];
    if (head && !this.storeHalted) {
      this.storeHalted = true;
      this.enqueue({ kind: 'edge-halt', code: 'STORE.WRITE', level: 'halted', reason: `a store write failed and waits to be retried: ${head.error}` });
    } else if (!head && this.storeHalted) {
      this.storeHalted = false;
      this.enqueue({ kind: 'edge-halt', code: 'STORE.WRITE', level: null, reason: 'the waiting store writes are written' });
    }
  }

  private async persist(c: PersistCommand): Promise<void> {
    const { order, fills, position, halts, tradeCursor } = c;
    if (order || fills || position)
      await this.opts.stores.unitOfWork.run(async (tx) => {
        if (order && c.insert) {
          // An adopted order: its row first; the core applies what the venue showed once it is stored (adoption-stored).
          const ins = await tx.orders.insert(order);
          if (!ins.ok) throw new Error(`adopted order ${order.clientOrderId} could not be inserted: ${ins.code}`);
        } else if (order) {
          const { clientOrderId, exchangeOrderId, status, filledBase, filledQuote, averagePrice, fee, feeCurrency, updatedAt } = order;
          const updated = await tx.orders.update(clientOrderId, {
            exchangeOrderId,
            status,
            filledBase,
            filledQuote,
            averagePrice,
            fee,
            feeCurrency,
            updatedAt,
          });
          if (!updated) throw new Error(`order ${clientOrderId} is not in the store`);
        }
        if (fills && fills.length > 0) await tx.fills.insertMany(fills);
        if (position) await tx.positions.save(position);
      });
    for (const h of halts ?? []) {
      if (h.level === null) await this.opts.stores.safety.removeHalt(h.code);
      else await this.opts.stores.safety.saveHalt({ code: h.code, level: h.level, reason: h.reason, since: h.since });
    }
    // Halts and the cursor after the unit of work: a failure here keeps the whole Persist, and its retry
    // writes the unit of work again — harmless, it is absolute state (fills by trade id, the position row, the order's fields).
    if (tradeCursor) await this.opts.stores.safety.saveTradeCursor(tradeCursor);
  }

  private write<T>(work: () => Promise<T>): Promise<T> {
    this.writing++;
    const next = this.writes.then(work).finally(() => this.writing--);
    // The chain goes on after a failed write; the failure is the caller's.
    this.writes = next.catch(() => undefined);
    return next;
  }

  private track(p: Promise<void>): void {
    const t = p.finally(() => this.tasks.delete(t));
    this.tasks.add(t);
  }
}

/** A write-ahead's refusal in words (null: written). */
function refusalText(order: OrderRecord, r: WriteAheadResult): string | null {
  if (r.ok) return null;
  return r.code === 'IDEMPOTENCY.TAKEN' ? `key ${order.idempotencyKey ?? ''} is taken` : `order ${order.clientOrderId} exists already`;
}

/** What a Persist writes, in words: the order and its status, how many fills, the position, halts, the cursor. */
export function describePersist(c: PersistCommand): string {
  const parts: string[] = [];
  if (c.order) parts.push(`${c.insert ? 'adopted ' : ''}order ${c.order.clientOrderId} ${c.order.status}`);
  if (c.fills && c.fills.length > 0) parts.push(`${c.fills.length} fill(s) ${c.fills.map((f) => f.tradeId).join(',')}`);
  if (c.position) parts.push(`position ${c.position.symbol}`);
  for (const h of c.halts ?? []) parts.push(`halt ${h.code} ${h.level ?? 'cleared'}`);
  if (c.tradeCursor) parts.push(`trade cursor ${c.tradeCursor.symbol}`);
  return parts.join('; ');
}
