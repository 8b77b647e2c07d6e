import { ZERO, idempotencyKey, sellSize, str, type ExitPolicy, type ExitState } from '@cab/domain';
import type { PipelineDeps } from '../pipeline/deps';
import { PIPELINE_METRICS } from '../pipeline/metric-names';
import type { PositionRecord } from '../ports/positions-repository';
import type { InstrumentCache } from '../use-cases/instruments';
import type { PlaceOrder, PlaceOrderOutcome } from '../use-cases/place-order';

export interface ProtectiveExitsOptions {
  policy: ExitPolicy;
  placeOrder: PlaceOrder;
  instruments: InstrumentCache;
  /** IDEMPOTENCY_BUCKET_MS: one exit order per symbol and reason per bucket. */
  bucketMs: number;
}

export type ExitOutcome =
  | { kind: 'flat' }
  | { kind: 'no-data'; reason: string }
  | { kind: 'hold'; state: ExitState }
  | { kind: 'dust'; reason: string; dustBase: string }
  | { kind: 'exit'; reason: string; outcome: PlaceOrderOutcome };

/**
 * Hard stop, trailing stop and take-profit on their own loop (docs/lessons.md #8), from the ticker's bid
 * (what a market sell gets). Runs whatever the trading state: a halt stops entries, never exits.
 * The peak and stop levels are saved on the position row whenever they move, so a restart keeps
 * the trailing stop where it was. The sell goes through the same PlaceOrder path as entries, in its
 * own idempotency key space (`<symbol>:sell:<bucket>:<EXIT reason>`), so an exit is never refused
 * because an entry used the bucket's key.
 *
 * What cannot be sold (below the exchange minimum) is dust: reported once per position (audit +
 * log), kept on the position, and not retried every tick.
 */
export class ProtectiveExits {
  private readonly dustReported = new Map<string, number>();

  constructor(
    private readonly deps: PipelineDeps,
    private readonly opts: ProtectiveExitsOptions,
  ) {}

  async run(symbol: string, correlationId: string): Promise<ExitOutcome> {
    const { stores, marketData, clock, broker, logger, metrics } = this.deps;
    const pos = await stores.positions.get(symbol);
    // openedAt null with base left: dust from the last round trip, recorded when it was left.
    if (!pos || !pos.baseQty.gt(ZERO) || !pos.avgEntry.gt(ZERO) || pos.openedAt === null) return { kind: 'flat' };
    const ticker = await marketData.ticker(symbol);
    if (!ticker.ok) return { kind: 'no-data', reason: `${ticker.error.code}: ${ticker.error.message}` };
    const price = ticker.value.bid;
    const now = clock.now();
    const { policy } = this.opts;
    const state: ExitState =
      pos.peakPrice === null ? policy.open(pos.avgEntry) : { entryPrice: pos.avgEntry, peakPrice: pos.peakPrice, trailStop: pos.trailingStopPrice };
    const decision = policy.evaluate(state, price);
    const saved = await this.saveState(pos, decision.state, now);

    if (decision.action === 'hold') return { kind: 'hold', state: decision.state };

    const inst = await this.opts.instruments.get(symbol);
    if (!inst.ok) return { kind: 'no-data', reason: `${inst.error.code}: ${inst.error.message}` };
    const balance = await broker.fetchBalance(symbol);
    const free = balance.ok ? balance.value.freeBase : saved.baseQty;
    const size = sellSize(inst.value, saved.baseQty, free, price);
    if (size.deny) {
      if (this.dustReported.get(symbol) !== saved.openedAt) {
        this.dustReported.set(symbol, saved.openedAt ?? 0);
        logger.warn('exit cannot sell: position is dust', { symbol, base: str(saved.baseQty), code: size.deny.code });
        await stores.audit.record({
          ts: now,
          kind: 'exit',
          symbol,
          correlationId,
          summary: `${decision.reason} but ${str(saved.baseQty)} is dust: ${size.deny.message}`,
          data: { reason: decision.reason, dustBase: str(saved.baseQty), code: size.deny.code, message: size.deny.message },
        });
      }
      return { kind: 'dust', reason: size.deny.message, dustBase: str(saved.baseQty) };
    }
    metrics.counter(PIPELINE_METRICS.exits, { symbol, reason: decision.reason });
    await stores.audit.record({
      ts: now,
      kind: 'exit',
      symbol,
      correlationId,
      summary: `${decision.reason}: ${decision.message}; selling ${str(size.qty)}${size.dust.gt(ZERO) ? `, dust ${str(size.dust)}` : ''}`,
      data: {
        reason: decision.reason,
        message: decision.message,
        price: str(price),
        entry: str(saved.avgEntry),
        peak: str(decision.state.peakPrice),
        trailStop: decision.state.trailStop ? str(decision.state.trailStop) : null,
        qty: str(size.qty),
        dustBase: str(size.dust),
      },
    });
    const outcome = await this.opts.placeOrder.execute({
      symbol,
      side: 'sell',
      baseAmount: size.qty,
      idempotencyKey: `${idempotencyKey(symbol, 'sell', now, this.opts.bucketMs)}:${decision.reason}`,
      reason: `exit ${decision.reason}: ${decision.message}`,
      correlationId,
    });
    return { kind: 'exit', reason: decision.reason, outcome };
  }

  /** Persists a moved peak or stop level (version-checked: a fill in between wins and we retry next tick). */
  private async saveState(pos: PositionRecord, s: ExitState, now: number): Promise<PositionRecord> {
    const stop = this.opts.policy.stopPrice(s);
    const same = pos.peakPrice !== null && pos.peakPrice.eq(s.peakPrice) && eqOrNull(pos.trailingStopPrice, s.trailStop) && eqOrNull(pos.stopPrice, stop);
    if (same) return pos;
    const next: PositionRecord = {
      ...pos,
      peakPrice: s.peakPrice,
      trailingStopPrice: s.trailStop,
      trailingActive: s.trailStop !== null,
      stopPrice: stop,
      updatedAt: now,
    };
    const r = await this.deps.stores.positions.save(next, pos.version);
    return r.ok ? { ...next, version: r.version } : pos;
  }
}

const eqOrNull = (a: { eq(b: never): boolean } | null, b: unknown): boolean =>
  a === null ? b === null : b !== null && (a as { eq(x: unknown): boolean }).eq(b);
