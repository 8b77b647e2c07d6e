import type { RiskConfig } from './config';
import { isEntry } from './intent';
import { cooldownRule } from './rules/cooldown';
import { dailyLossRule } from './rules/daily-loss';
import { invalidIntentRule } from './rules/invalid-intent';
import { lossStreakRule } from './rules/loss-streak';
import { maxDrawdownRule } from './rules/max-drawdown';
import { maxFeeRule } from './rules/max-fee';
import { maxExposureRule } from './rules/max-exposure';
import { maxOpenPositionsRule } from './rules/max-open-positions';
import { maxPositionRule } from './rules/max-position';
import { ordersPerHourRule } from './rules/orders-per-hour';
import { slippageRule } from './rules/slippage';
import { spreadRule } from './rules/spread';
import { tradingStateRule } from './rules/trading-state';
import type { RiskCode, RiskDecision, RiskRule, RiskState, RiskVerdict, RiskViolation, TradeIntent } from './types';

const NONE: readonly RiskCode[] = Object.freeze([]);

export const DEFAULT_RISK_RULES: readonly RiskRule[] = [
  invalidIntentRule,
  tradingStateRule,
  cooldownRule,
  spreadRule,
  maxPositionRule,
  ordersPerHourRule,
  dailyLossRule,
  maxFeeRule,
  slippageRule,
  lossStreakRule,
  maxDrawdownRule,
  maxOpenPositionsRule,
  maxExposureRule,
];

/**
 * A pure gate: runs every rule and lists every failure, not just the first. Entry-only rules are
 * skipped for orders that reduce or close a position, so a stop can always get out.
 */
export class RiskManager {
  /**
   * The orders the limits' keys were sorted into by the last checks, one per list of keys (see
   * sortedOrder): a check of one kind writes the same keys in the same order every time, and an
   * entry and an exit write different ones, so a core that alternates them keeps both.
   */
  private readonly orders: { keys: readonly string[]; order: readonly number[] }[] = [];

  constructor(
    readonly config: RiskConfig,
    private readonly rules: readonly RiskRule[] = DEFAULT_RISK_RULES,
  ) {}

  check(intent: TradeIntent, state: RiskState): RiskDecision {
    const ctx = { intent, state, config: this.config };
    const entry = isEntry(intent);
    const violations: RiskViolation[] = [];
    // The limits as written, in three parallel lists (no object keyed by text until the answer's).
    const keys: string[] = [];
    const values: string[] = [];
    const writers: RiskCode[] = [];
    for (const rule of this.rules) {
      if (rule.entryOnly && !entry) continue;
      const out = rule.evaluate(ctx);
      const written = out.limits;
      for (const k in written) {
        keys.push(k);
        values.push(written[k]!);
        writers.push(rule.code);
      }
      if (out.failure !== null)
        violations.push({
          code: rule.code,
          message: out.failure,
          ...(out.limit === undefined ? {} : { limit: out.limit }),
          ...(out.observed === undefined ? {} : { observed: out.observed }),
        });
    }
    // Sorted so the answer does not depend on the order the rules were given in.
    violations.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
    const sortedLimits: Record<string, string> = {};
    for (const i of this.sortedOrder(keys, writers)) sortedLimits[keys[i]!] = values[i]!;
    return { ok: violations.length === 0, reasons: violations.map((v) => `${v.code}: ${v.message}`), violations, limits: sortedLimits };
  }

  /**
   * The indexes of `keys` in the keys' sorted order. A list seen before (compared key by key:
   * cheaper than sorting) reuses its order; a new one is checked for a key written twice, then sorted.
   */
  private sortedOrder(keys: readonly string[], writers: readonly RiskCode[]): readonly number[] {
    for (const o of this.orders) {
      const last = o.keys;
      if (last.length !== keys.length) continue;
      let same = true;
      for (let i = 0; same && i < keys.length; i++) same = last[i] === keys[i];
      if (same) return o.order;
    }
    const seen = new Set<string>();
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      // Two rules writing one key would make the answer depend on rule order: a bug in the rules.
      if (seen.has(k)) throw new Error(`risk rules ${writers[i]} and another both report limit ${k}`);
      seen.add(k);
    }
    const order = keys.map((_, i) => i).sort((a, b) => (keys[a]! < keys[b]! ? -1 : 1));
    // A few kinds of check (entry, exit, each with a rule off or not): a handful of lists at most.
    if (this.orders.length >= 8) this.orders.shift();
    this.orders.push({ keys, order });
    return order;
  }

  /**
   * What `check` says about the intent — whether it passes, and which of the rules in `watch` fail
   * — without the rest of its answer (reasons, limits, the other codes): the rules in `watch` run
   * first, then the others in their order until one fails. Rules are pure functions of the intent
   * and the state, so the rules skipped after a failure cannot change either answer. For a caller
   * that reads nothing else: the trading core when it publishes nothing (a backtest, docs/core.md),
   * where most refused entries fail a cheap rule (a loss-streak pause) before the book is walked.
   */
  verdict(intent: TradeIntent, state: RiskState, watch: readonly RiskCode[]): RiskVerdict {
    // verdictOnly: a passing rule need not write its limits' texts (nobody reads them here).
    const ctx = { intent, state, config: this.config, verdictOnly: true };
    const entry = isEntry(intent);
    const rules = this.rules;
    let failing: RiskCode[] | null = null;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]!;
      if ((rule.entryOnly && !entry) || !watch.includes(rule.code)) continue;
      if (rule.evaluate(ctx).failure !== null) (failing ??= []).push(rule.code);
    }
    if (failing !== null) return { ok: false, failing };
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]!;
      if ((rule.entryOnly && !entry) || watch.includes(rule.code)) continue;
      if (rule.evaluate(ctx).failure !== null) return { ok: false, failing: NONE };
    }
    return { ok: true, failing: NONE };
  }
}
