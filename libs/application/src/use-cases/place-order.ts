import { ZERO, clientOrderId as deriveClientOrderId, str, type Decimal, type Instrument, type Side } from '@cab/domain';
import type { AuditEntry } from '../ports/audit-log';
import type { BrokerError, BrokerResult, OrderDTO } from '../ports/broker';
import { errorText } from '../ports/logger';
import type { OrderRecord } from '../ports/orders-repository';
import type { PipelineDeps } from '../pipeline/deps';
import { PIPELINE_METRICS } from '../pipeline/metric-names';
import type { InstrumentCache } from './instruments';
import type { OrderSettler } from './order-settler';

export interface PlaceOrderRequest {
  symbol: string;
  side: Side;
  /** Market buy by cost (quote). */
  quoteAmount?: Decimal;
  /** Market sell of base; quantized down to the amount step here. */
  baseAmount?: Decimal;
  /** Reserved before anything is sent; the client order id is derived from it. */
  idempotencyKey: string;
  /** Why: "signal: …", "exit EXIT.STOP_LOSS: …". Stored on the order and shown in alerts. */
  reason: string;
  correlationId: string;
  /**
   * Entries to record with the order, before its own entries: the signal and risk verdict that led
   * to it. They are written with the order's outcome, in the transaction that stores the venue's
   * answer (or the refusal), not before the send: the send waits only for what makes it safe —
   * the idempotency key and the order row — so its commit writes two tables' pages, not three.
   * A crash between the send and that transaction loses these entries; the order row keeps the
   * reason, and reconciliation settles the order. Recorded as well when the order is not sent.
   */
  audit?: readonly AuditEntry[];
}

export type PlaceOrderOutcome =
  /**
   * Nothing was sent: the key was already reserved (evaluate fired twice in one bucket), an order
   * of ours on this symbol and side is still unsettled (`heldBy` is its client id), a sell
   * exceeds the recorded position (sized before a concurrent sell settled), or a buy would open a
   * position that is open already (a lost buy settled meanwhile). `reason` says which.
   */
  | { kind: 'duplicate'; idempotencyKey: string; clientOrderId: string; heldBy: string | null; reason: string }
  /** The venue answered: submitted, partial, filled or canceled (see order.status). */
  | { kind: 'placed'; order: OrderRecord }
  /** Sent, outcome unknown: the order stays in_flight and reconciliation settles it. Never re-sent. */
  | { kind: 'in_flight'; order: OrderRecord; error: BrokerError }
  /** Refused before or by the venue; `order` is null when nothing was written. */
  | { kind: 'failed'; order: OrderRecord | null; error: BrokerError | { kind: 'internal'; code: string; message: string } };

export interface PlaceOrderOptions {
  /** IDEMPOTENCY_TTL_SEC × 1000. */
  idempotencyTtlMs: number;
  instruments: InstrumentCache;
  settler: OrderSettler;
  /** Called on a fatal broker error (auth, config): the orchestrator halts trading. */
  onFatal?: (error: BrokerError, correlationId: string) => Promise<void>;
  /** Called when an order is about to be sent (the risk ledger counts orders per hour). */
  onSend?: (ts: number) => void;
}

/**
 * The one path every order takes, entries and exits alike (docs/lessons.md #2, 3):
 *  1. reserve the idempotency key and insert the order row (status new) in one transaction;
 *  2. send it with the client order id derived from the key;
 *  3. store the answer, fills, position and the decision's audit entries in one transaction
 *     (OrderSettler), or the refusal and those entries.
 * An ambiguous answer (timeout, 5xx, lost response) leaves the order in_flight: never re-sent.
 */
export class PlaceOrder {
  constructor(
    private readonly deps: PipelineDeps,
    private readonly opts: PlaceOrderOptions,
  ) {}

  async execute(req: PlaceOrderRequest): Promise<PlaceOrderOutcome> {
    const { stores, clock, broker, metrics } = this.deps;
    const started = clock.now();
    const inst = await this.opts.instruments.get(req.symbol);
    if (!inst.ok) return this.failedBeforeSend(req, inst.error);
    const amount = this.amount(req, inst.value);
    if (!amount.ok) return this.failedBeforeSend(req, amount.error);

    const coid = deriveClientOrderId(req.idempotencyKey, broker.capabilities.clientOrderIds);
    const reserve = () =>
      stores.unitOfWork.run(async (tx) => {
        const refuse = async (heldBy: string | null, reason: string) => {
          await tx.audit.recordAll(req.audit ?? []);
          return { ok: false as const, heldBy, reason };
        };
        // One order of ours per symbol and side at a time, decided in the transaction that would
        // write the next one: while one is unsettled (sent and not answered yet, or in flight after
        // a timeout) a second would double it — the next bucket's signal, an exit racing a strategy
        // sell. Orders without a key (adopted from the exchange) are not ours to wait for.
        const unsettled = (await tx.orders.open(req.symbol)).find((o) => o.side === req.side && o.idempotencyKey !== null);
        if (unsettled) return refuse(unsettled.clientOrderId, `${unsettled.clientOrderId} (${unsettled.status}) is not settled yet`);
        const position = await tx.positions.get(req.symbol);
        // A sell never exceeds the position: sized from a balance read before a concurrent sell
        // settled, it would sell coins the bot does not manage (the owner's, on the same account).
        if (req.side === 'sell') {
          const held = position?.baseQty ?? ZERO;
          if (amount.value.gt(held)) return refuse(null, `selling ${str(amount.value)} exceeds the position ${str(held)}`);
        }
        // An entry never opens a position that exists already. The strategy read "flat" before this
        // transaction; an earlier buy whose answer was lost may have been settled as filled since
        // (reconcile runs beside the evaluation), and a second buy would double the position.
        // Dust left by the last round trip (base with no open round trip) is not a position.
        if (req.side === 'buy' && position && position.baseQty.gt(ZERO) && position.openedAt !== null)
          return refuse(null, `a position of ${str(position.baseQty)} is open already (opened at ${position.openedAt})`);
        const r = await tx.idempotency.reserve(req.idempotencyKey, this.opts.idempotencyTtlMs, coid);
        if (!r.ok) return refuse(r.ref, `key ${req.idempotencyKey} is taken`);
        const order: OrderRecord = {
          clientOrderId: coid,
          exchange: broker.name,
          exchangeOrderId: null,
          symbol: req.symbol,
          side: req.side,
          type: 'market',
          requestedQuote: req.side === 'buy' ? amount.value : null,
          requestedBase: req.side === 'sell' ? amount.value : null,
          status: 'new',
          filledBase: ZERO,
          filledQuote: ZERO,
          averagePrice: null,
          fee: ZERO,
          feeCurrency: null,
          idempotencyKey: req.idempotencyKey,
          reason: req.reason,
          createdAt: started,
          updatedAt: started,
        };
        const ins = await tx.orders.insert(order);
        // The same client id under an expired key: the order exists already, so this is a duplicate too.
        if (!ins.ok) return refuse(coid, `order ${coid} exists already`);
        return { ok: true as const, order };
      });
    let reserved: Awaited<ReturnType<typeof reserve>>;
    try {
      reserved = await reserve();
    } catch (err) {
      // The transaction rolled back with the decision's entries in it: keep them (best effort), then fail as before.
      await stores.audit.recordAll(req.audit ?? []).catch(() => undefined);
      throw err;
    }
    if (!reserved.ok) {
      metrics.counter(PIPELINE_METRICS.orders, { symbol: req.symbol, side: req.side, outcome: 'duplicate' });
      return { kind: 'duplicate', idempotencyKey: req.idempotencyKey, clientOrderId: coid, heldBy: reserved.heldBy, reason: reserved.reason };
    }
    // Written with the outcome (see PlaceOrderRequest.audit), in the order they happened.
    const decision: AuditEntry[] = [
      ...(req.audit ?? []),
      {
        ts: started,
        kind: 'order',
        symbol: req.symbol,
        correlationId: req.correlationId,
        summary: `placing ${req.side} ${str(amount.value)} ${req.side === 'buy' ? 'quote' : 'base'} as ${coid}: ${req.reason}`,
        data: { clientOrderId: coid, idempotencyKey: req.idempotencyKey, side: req.side, amount: str(amount.value), reason: req.reason },
      },
    ];

    let sent: BrokerResult<OrderDTO>;
    this.opts.onSend?.(started);
    try {
      sent =
        req.side === 'buy'
          ? await broker.createMarketBuyQuote(req.symbol, amount.value, coid)
          : await broker.createMarketSellBase(req.symbol, amount.value, coid);
    } catch (err) {
      // A broker must not throw; if one does, the request may have gone out: treat it as ambiguous.
      sent = { ok: false, error: { kind: 'ambiguous', code: 'BROKER.THREW', message: errorText(err) } };
    }
    const outcome = sent.ok ? await this.answered(req, coid, sent.value, inst.value, decision) : await this.refused(req, reserved.order, sent.error, decision);
    metrics.histogram(PIPELINE_METRICS.orderSeconds, (clock.now() - started) / 1000, { side: req.side });
    metrics.counter(PIPELINE_METRICS.orders, {
      symbol: req.symbol,
      side: req.side,
      outcome: outcome.kind === 'placed' ? outcome.order.status : outcome.kind,
    });
    return outcome;
  }

  private amount(req: PlaceOrderRequest, inst: Instrument): BrokerResult<Decimal> {
    if (req.side === 'buy') {
      if (!req.quoteAmount) return { ok: false, error: { kind: 'rejected', code: 'ORDER.NO_AMOUNT', message: 'a buy needs a quote amount' } };
      const deny = inst.checkQuote(req.quoteAmount);
      return deny ? { ok: false, error: { kind: 'rejected', code: deny.code, message: deny.message } } : { ok: true, value: req.quoteAmount };
    }
    if (!req.baseAmount) return { ok: false, error: { kind: 'rejected', code: 'ORDER.NO_AMOUNT', message: 'a sell needs a base amount' } };
    const qty = inst.qty(req.baseAmount, 'down');
    if (qty.lte('0'))
      return { ok: false, error: { kind: 'rejected', code: 'INSTRUMENT.QTY_NOT_POSITIVE', message: `${req.symbol}: ${str(req.baseAmount)} rounds down to 0` } };
    return { ok: true, value: qty };
  }

  private async answered(req: PlaceOrderRequest, coid: string, dto: OrderDTO, inst: Instrument, decision: readonly AuditEntry[]): Promise<PlaceOrderOutcome> {
    const stored = await this.storing(decision, () => this.opts.settler.store(coid, dto, inst, req.correlationId, decision));
    if (!stored) {
      await this.keepDecision(decision);
      throw new Error(`order ${coid} vanished between insert and settle`);
    }
    return { kind: 'placed', order: this.opts.settler.announce(stored, req.correlationId).order };
  }

  /**
   * Runs the transaction that stores the outcome with the decision's entries. If it fails, they
   * went with it: keep them on their own (best effort), then fail as before — reconciliation
   * settles the order. Only the transaction is guarded: what runs after its commit (listeners,
   * events, a halt) must not write the entries a second time.
   */
  private async storing<T>(decision: readonly AuditEntry[], store: () => Promise<T>): Promise<T> {
    try {
      return await store();
    } catch (err) {
      await this.keepDecision(decision);
      throw err;
    }
  }

  private keepDecision(decision: readonly AuditEntry[]): Promise<void> {
    return this.deps.stores.audit.recordAll(decision).catch(() => undefined);
  }

  private async refused(req: PlaceOrderRequest, order: OrderRecord, error: BrokerError, decision: readonly AuditEntry[]): Promise<PlaceOrderOutcome> {
    const { stores, clock, bus, logger } = this.deps;
    const now = clock.now();
    const status = error.kind === 'ambiguous' ? 'in_flight' : 'rejected';
    // The outcome and its audit in one transaction; the key is freed only when nothing reached the venue.
    const updated = await this.storing(decision, () =>
      stores.unitOfWork.run(async (tx) => {
        // A reconcile pass may have settled it meanwhile (it found the order on the venue): keep its word.
        const u =
          (await tx.orders.update(order.clientOrderId, { status, updatedAt: now }, 'new')) ?? (await tx.orders.byClientOrderId(order.clientOrderId)) ?? order;
        if (error.kind === 'retryable') await tx.idempotency.release(req.idempotencyKey);
        await tx.audit.recordAll([
          ...decision,
          {
            ts: now,
            kind: 'order',
            symbol: req.symbol,
            correlationId: req.correlationId,
            summary: `${req.side} ${order.clientOrderId} ${status}: ${error.kind} ${error.code}`,
            data: { clientOrderId: order.clientOrderId, status, kind: error.kind, code: error.code, message: error.message },
          },
        ]);
        return u;
      }),
    );
    logger.warn(status === 'in_flight' ? 'order outcome unknown: left in flight' : 'order refused', {
      symbol: req.symbol,
      clientOrderId: order.clientOrderId,
      kind: error.kind,
      code: error.code,
    });
    const payload = {
      symbol: req.symbol,
      side: req.side,
      clientOrderId: order.clientOrderId,
      orderId: null,
      status: updated.status,
      filledBase: '0',
      filledQuote: '0',
      reason: req.reason,
    };
    bus.emit(status === 'in_flight' ? 'order.in_flight' : 'order.rejected', payload, req.correlationId);
    bus.emit(
      'trade.failed',
      { symbol: req.symbol, side: req.side, clientOrderId: order.clientOrderId, kind: error.kind, code: error.code, message: error.message },
      req.correlationId,
    );
    if (error.kind === 'fatal') await this.opts.onFatal?.(error, req.correlationId);
    return status === 'in_flight' ? { kind: 'in_flight', order: updated, error } : { kind: 'failed', order: updated, error };
  }

  private async failedBeforeSend(req: PlaceOrderRequest, error: BrokerError): Promise<PlaceOrderOutcome> {
    const { stores, clock, bus } = this.deps;
    await stores.audit.recordAll([
      ...(req.audit ?? []),
      {
        ts: clock.now(),
        kind: 'order',
        symbol: req.symbol,
        correlationId: req.correlationId,
        summary: `${req.side} not sent: ${error.code}: ${error.message}`,
        data: { kind: error.kind, code: error.code, message: error.message, reason: req.reason },
      },
    ]);
    bus.emit(
      'trade.failed',
      { symbol: req.symbol, side: req.side, clientOrderId: null, kind: error.kind, code: error.code, message: error.message },
      req.correlationId,
    );
    if (error.kind === 'fatal') await this.opts.onFatal?.(error, req.correlationId);
    return { kind: 'failed', order: null, error };
  }
}
