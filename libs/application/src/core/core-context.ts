import { ZERO, dec, instrumentDust, type DustTest } from '@cab/domain';
import type { Halt, HaltCode } from '../pipeline/trading-state';
import type { PositionRecord } from '../ports/positions-repository';
import { RiskLedger } from '../risk-state/risk-ledger';
import type { CoreCommand, HaltChange } from './core-commands';
import { CoreHalts } from './core-halts';
import type { CoreFill, TradingCoreOptions } from './core-options';
import type { CoreOutput } from './core-output';
import type { OrderEntry, SymbolState } from './core-symbol-state';

/**
 * Halts held in memory only: STORE.WRITE says the store cannot be written, so writing it there is
 * pointless and, once written, a restart would restore it with nobody left to clear it (docs/core.md, "Drivers").
 */
const MEMORY_ONLY_HALTS: ReadonlySet<HaltCode> = new Set<HaltCode>(['STORE.WRITE']);

/** The stand-in base of an unsettled entry in `exposures()`: base × entry price = its quote. */
const ONE = dec('1');

/** Settled orders remembered, so a late or repeated report about one is applied (or ignored) rather than unknown. */
const RECENT_ORDERS = 1024;

/**
 * The TradingCore's state and the few helpers every handler shares (docs/core.md, "Shape": one
 * writer, state in memory). The handlers — core-evaluate, core-exits, core-order-path,
 * core-order-reports, core-reconcile, core-operator — are functions over this one object, each
 * run synchronously inside `TradingCore.handle`; nothing here awaits. Not exported from the lib:
 * only TradingCore (and its recovery) touch it.
 */
export class CoreContext {
  readonly ledger: RiskLedger;
  readonly halts = new CoreHalts();
  readonly fills: CoreFill[] = [];
  readonly symbols = new Map<string, SymbolState>();
  readonly publishing: boolean;
  readonly persisting: boolean;
  /** The book is read only for the slippage estimate of an entry. */
  readonly book: boolean;
  private readonly dust = new Map<string, DustTest>();
  /** Unsettled orders of every symbol by client order id, and the last settled ones (insertion order = age). */
  readonly unsettledById = new Map<string, OrderEntry>();
  readonly recent = new Map<string, OrderEntry>();
  /** The commands of the step being handled; null while it made none. */
  out: CoreCommand[] | null = null;
  /** The number of the last event handled. */
  sequence = 0;
  /** True while a ReconcileReport is handled: the orders it moves are the reconcile's repairs (their facts say so). */
  reconciling = false;

  constructor(readonly opts: TradingCoreOptions) {
    this.publishing = opts.publish ?? false;
    this.persisting = opts.persist ?? false;
    this.book = opts.risk.config.maxSlippagePct.gt(ZERO);
    this.ledger = new RiskLedger((symbol, base, price) => {
      const d = this.dustTest(symbol);
      return d !== null && d(base, price);
    });
  }

  /** Every symbol's position as the core holds it (the portfolio risk limits read them). */
  *positions(): IterableIterator<PositionRecord> {
    for (const st of this.symbols.values()) yield st.position;
  }

  /**
   * What the portfolio limits count (RISK_MAX_OPEN_POSITIONS, RISK_MAX_TOTAL_EXPOSURE_QUOTE): every
   * open position, and a symbol's unsettled buy while its position is not open yet — its quote as
   * the exposure. Symbols decided in one step must not all enter because the first one's buy has
   * not been answered yet (the loops awaited each order; pipeline.paper.spec's "binds across SYMBOLS").
   */
  *exposures(): IterableIterator<Pick<PositionRecord, 'symbol' | 'baseQty' | 'avgEntry' | 'openedAt'>> {
    for (const st of this.symbols.values()) {
      const p = st.position;
      if (p.openedAt !== null && p.baseQty.gt(ZERO)) {
        yield p;
        continue;
      }
      for (const { order } of st.unsettled.values())
        if (order.side === 'buy' && order.requestedQuote !== null && order.idempotencyKey !== null) {
          yield { symbol: st.symbol, baseQty: ONE, avgEntry: order.requestedQuote, openedAt: order.createdAt };
          break;
        }
    }
  }

  state(symbol: string): SymbolState {
    const s = this.symbols.get(symbol);
    if (!s) throw new RangeError(`the core does not trade ${symbol}`);
    return s;
  }

  /** The order reached a terminal status: no longer holds its side; remembered a while for late reports. */
  settled(s: SymbolState, entry: OrderEntry): void {
    const coid = entry.order.clientOrderId;
    if (s.unsettled.delete(coid)) this.unsettledById.delete(coid);
    this.recent.delete(coid);
    this.recent.set(coid, entry);
    if (this.recent.size > RECENT_ORDERS) this.recent.delete(this.recent.keys().next().value as string);
  }

  /**
   * A halt in force from now. Already in force, nothing changes — unless `update`: then its reason
   * is brought up to date (the reason a status page shows is the latest, e.g. how long trades went
   * unread), published as `again` so it is not announced twice.
   */
  setHalt(code: HaltCode, level: Halt['level'], now: number, reason: string, update = false): void {
    const held = this.halts.level(code) === level;
    if (held && (!update || this.halts.reason(code) === reason)) return;
    const again = !this.halts.set(code, level, reason, now);
    if (this.publishing) this.publish({ kind: 'halt', ts: now, code, level, reason, ...(again ? { again } : {}) });
    // Since when it is in force, as the core holds it: a new reason or level keeps the first time (the store and the status pages agree).
    const since = this.halts.since(code) ?? now;
    if (this.persisting && !MEMORY_ONLY_HALTS.has(code)) this.emit({ kind: 'persist', halts: [{ code, level, reason, since } satisfies HaltChange] });
  }

  clearHalt(code: HaltCode, now: number): void {
    if (!this.halts.clear(code)) return;
    if (this.publishing) this.publish({ kind: 'resume', ts: now, code });
    if (this.persisting && !MEMORY_ONLY_HALTS.has(code))
      this.emit({ kind: 'persist', halts: [{ code, level: null, reason: 'cleared', since: now } satisfies HaltChange] });
  }

  publish(fact: CoreOutput): void {
    this.emit({ kind: 'publish', fact: this.reconciling && fact.kind === 'order' ? { ...fact, byReconcile: true } : fact });
  }

  emit(c: CoreCommand): void {
    (this.out ??= []).push(c);
  }

  dustTest(symbol: string): DustTest | null {
    let d = this.dust.get(symbol);
    if (!d) {
      const inst = this.opts.venue.instrument(symbol);
      if (!inst) return null;
      d = instrumentDust(inst);
      this.dust.set(symbol, d);
    }
    return d;
  }
}
