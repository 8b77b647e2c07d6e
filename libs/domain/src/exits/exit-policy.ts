import { ONE, ZERO, max, percent, str, type Decimal } from '../money/decimal';
import type { ExitConfig } from './config';

/** The exit state of one open position: pure data, persisted by the application. */
export interface ExitState {
  readonly entryPrice: Decimal;
  /** Highest price seen since entry. */
  readonly peakPrice: Decimal;
  /** Trailing stop level once armed; null before. Only ever moves up. */
  readonly trailStop: Decimal | null;
}

export type ExitReason = 'EXIT.STOP_LOSS' | 'EXIT.TRAILING_STOP' | 'EXIT.TAKE_PROFIT';

export type ExitDecision =
  | { readonly action: 'hold'; readonly state: ExitState }
  | { readonly action: 'exit'; readonly reason: ExitReason; readonly message: string; readonly state: ExitState };

/**
 * Hard stop, trailing stop and optional take-profit as pure state transitions. The bot keeps
 * stops on its side (Gate's stop orders expire and carry no client id, docs/lessons.md #13) and runs this
 * on its own exits loop (docs/lessons.md #8). Evaluate with the price a market sell would get (the bid).
 */
export class ExitPolicy {
  // The levels' factors (1 − stop, 1 + take-profit, 1 − trail, 1 + activation), each the same
  // Decimal the expression gives, made once: a check ran up to four of these per price.
  private readonly stopFactor: Decimal | null;
  private readonly takeProfitFactor: Decimal | null;
  private readonly trailFactor: Decimal;
  private readonly activateFactor: Decimal;
  // The levels of the last entry price seen, by identity (a Decimal never changes): a position's
  // entry stays the same object from check to check, and its levels cost a long product each
  // (an average entry has up to DIVISION_DP digits). One entry: a portfolio's symbols alternate.
  private levelsOf: Decimal | null = null;
  private stop: Decimal | null = null;
  private takeProfit: Decimal | null = null;
  private activation: Decimal = ZERO;

  constructor(readonly config: ExitConfig) {
    this.stopFactor = config.stopPct.gt(ZERO) ? ONE.minus(config.stopPct) : null;
    this.takeProfitFactor = config.takeProfitPct.gt(ZERO) ? ONE.plus(config.takeProfitPct) : null;
    this.trailFactor = ONE.minus(config.trailPct);
    this.activateFactor = ONE.plus(config.trailActivatePct);
  }

  open(entryPrice: Decimal): ExitState {
    if (entryPrice.lte(ZERO)) throw new RangeError(`entry price must be > 0, got ${str(entryPrice)}`);
    return this.ratchet({ entryPrice, peakPrice: entryPrice, trailStop: null }, entryPrice);
  }

  /** Hard stop level, or null when off. */
  stopPrice(s: ExitState): Decimal | null {
    return this.levels(s.entryPrice).stop;
  }

  /** Take-profit level, or null when off. */
  takeProfitPrice(s: ExitState): Decimal | null {
    return this.levels(s.entryPrice).takeProfit;
  }

  evaluate(state: ExitState, price: Decimal): ExitDecision {
    const s = this.ratchet(state, price);
    // The price's text only for an exit's message: most checks hold.
    if (s.trailStop !== null && price.lte(s.trailStop)) {
      return {
        action: 'exit',
        reason: 'EXIT.TRAILING_STOP',
        message: `price ${str(price)} <= trailing stop ${str(s.trailStop)} (peak ${str(s.peakPrice)} − ${pct(this.config.trailPct)})`,
        state: s,
      };
    }
    const stop = this.stopPrice(s);
    if (stop !== null && price.lte(stop)) {
      return {
        action: 'exit',
        reason: 'EXIT.STOP_LOSS',
        message: `price ${str(price)} <= stop ${str(stop)} (entry ${str(s.entryPrice)} − ${pct(this.config.stopPct)})`,
        state: s,
      };
    }
    const tp = this.takeProfitPrice(s);
    if (tp !== null && price.gte(tp)) {
      return {
        action: 'exit',
        reason: 'EXIT.TAKE_PROFIT',
        message: `price ${str(price)} >= take-profit ${str(tp)} (entry ${str(s.entryPrice)} + ${pct(this.config.takeProfitPct)})`,
        state: s,
      };
    }
    return { action: 'hold', state: s };
  }

  /** The levels of an entry price: the same Decimals the products give, made once per entry. */
  private levels(entry: Decimal): this {
    if (entry !== this.levelsOf) {
      this.stop = this.stopFactor === null ? null : entry.times(this.stopFactor);
      this.takeProfit = this.takeProfitFactor === null ? null : entry.times(this.takeProfitFactor);
      this.activation = entry.times(this.activateFactor);
      this.levelsOf = entry;
    }
    return this;
  }

  /** New peak, arming and trailing: the stop level never moves down. */
  private ratchet(s: ExitState, price: Decimal): ExitState {
    const peak = price.gt(s.peakPrice) ? price : s.peakPrice;
    let trailStop = s.trailStop;
    const armed = trailStop !== null || (this.config.trailPct.gt(ZERO) && peak.gte(this.levels(s.entryPrice).activation));
    if (armed) {
      const level = peak.times(this.trailFactor);
      trailStop = trailStop === null ? level : max(trailStop, level);
    }
    if (peak === s.peakPrice && trailStop === s.trailStop) return s;
    return { entryPrice: s.entryPrice, peakPrice: peak, trailStop };
  }
}

const pct = (x: Decimal): string => percent(x);
