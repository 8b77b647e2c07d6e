import { dec, str, ZERO, type Decimal } from '@cab/domain';
import type { BalanceDTO } from '../ports/broker';
import type { PipelineDeps } from '../pipeline/deps';
import type { OrdersRepository } from '../ports/orders-repository';
import type { PositionRecord } from '../ports/positions-repository';
import type { InstrumentCache } from '../use-cases/instruments';
import { emptyPosition } from '../use-cases/fill-accounting';
import { comparePosition } from './compare-positions';
import { noFindings, type ReconcileFindings, type ReconcileReporter } from './reconcile-report';

/** What the caller read before it asked the venue for the balance. */
export interface PositionBeforeBalance {
  position: PositionRecord | null;
  ourOrderUnsettled: boolean;
}

/** Whether an order the bot sent (one with an idempotency key, not an adopted one) is not settled yet. */
export async function hasUnsettledOrderOfOurs(orders: OrdersRepository, symbol: string): Promise<boolean> {
  return (await orders.open(symbol)).some((o) => o.idempotencyKey !== null);
}

export interface PositionsReconcilerOptions {
  instruments: InstrumentCache;
  reporter: ReconcileReporter;
  /** Relative tolerance on the position (default 0.001 = 0.1 %), never below one amount step. */
  tolerancePct?: Decimal;
}

/**
 * Our position vs the exchange's base balance (free + used). The exchange holding LESS than our
 * books is beyond tolerance: the position is set down to what exists (audited, published) and
 * entries halt until a clean pass. Holding MORE is base the bot does not manage: reported once per
 * distinct amount, never adopted into the position (it may be the owner's own coins).
 *
 * The balance is a moment in the past by the time it is compared: a fill settled while it was
 * read makes the position and the balance two different moments, and "setting the position down
 * to the exchange" would then drop the bot's own fresh buy (and its stop). So the caller reads the
 * position before asking for the balance; if it has moved since, this pass compares nothing.
 */
export class PositionsReconciler {
  private readonly reportedSurplus = new Map<string, string>();

  constructor(
    private readonly deps: PipelineDeps,
    private readonly opts: PositionsReconcilerOptions,
  ) {}

  /**
   * `before`: the position as read before the balance was requested, and whether an order of ours
   * on the symbol was unsettled then.
   */
  async reconcile(symbol: string, balance: BalanceDTO, before: PositionBeforeBalance, correlationId: string): Promise<ReconcileFindings> {
    const f = noFindings();
    const { stores, clock } = this.deps;
    // While an order of ours is unsettled (sent, answer not stored yet, or in flight after a lost
    // answer), the venue's balance has already moved by its fills and our books have not: the
    // comparison would "repair" the position down, halt for nothing, and the sell's settlement would
    // then find no position to close (its realized PnL lost). It is compared once the order settles.
    if (before.ourOrderUnsettled || (await hasUnsettledOrderOfOurs(stores.orders, symbol))) return f;
    f.checked = 1;
    const inst = await this.opts.instruments.get(symbol);
    if (!inst.ok) return { ...f, errors: [`instrument: ${inst.error.code}`] };
    const pos = (await stores.positions.get(symbol)) ?? emptyPosition(symbol, clock.now());
    // Only the amount: the exits loop saves stop levels on the row, which moves nothing.
    if (!pos.baseQty.eq(before.position?.baseQty ?? ZERO)) return { ...f, errors: [`position ${symbol} moved while the balance was read: compared next pass`] };
    const exchange = balance.freeBase.plus(balance.usedBase);
    const c = comparePosition(pos.baseQty, exchange, inst.value.amountStep, this.opts.tolerancePct ?? dec('0.001'));
    if (c.kind === 'match') {
      this.reportedSurplus.delete(symbol);
      return f;
    }
    if (c.kind === 'surplus') {
      if (this.reportedSurplus.get(symbol) === str(exchange)) return f;
      this.reportedSurplus.set(symbol, str(exchange));
      f.mismatches++;
      await this.opts.reporter.mismatch(
        symbol,
        'position',
        {
          subject: balance.base,
          expected: str(pos.baseQty),
          actual: str(exchange),
          detail: `the exchange holds ${str(c.diff)} ${balance.base} the bot does not manage`,
        },
        correlationId,
      );
      return f;
    }
    f.mismatches++;
    const detail = `the exchange holds ${str(c.diff)} ${balance.base} less than the position`;
    f.halting.push(`position ${symbol}: ${detail}`);
    await this.opts.reporter.mismatch(symbol, 'position', { subject: balance.base, expected: str(pos.baseQty), actual: str(exchange), detail }, correlationId);
    const r = await stores.positions.save(
      {
        ...pos,
        baseQty: exchange,
        updatedAt: clock.now(),
        ...(exchange.eq('0') ? { openedAt: null, peakPrice: null, stopPrice: null, trailingStopPrice: null, trailingActive: false } : {}),
      },
      pos.version,
    );
    if (r.ok) {
      f.repaired++;
      await this.opts.reporter.repaired(symbol, 'position', balance.base, `position set from ${str(pos.baseQty)} to ${str(exchange)}`, correlationId);
    } else f.errors.push(`position save: ${r.code}`);
    return f;
  }
}
