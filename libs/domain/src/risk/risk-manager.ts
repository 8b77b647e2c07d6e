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
  /** The limit keys of the last check in the order the rules wrote them, and sorted (see sortedKeys). */
  private lastKeys: readonly string[] = [];
  private lastSorted: readonly string[] = [];

  constructor(
    readonly config: RiskConfig,
    private readonly rules: readonly RiskRule[] = DEFAULT_RISK_RULES,
  ) {}

  check(intent: TradeIntent, state: RiskState): RiskDecision {
    const ctx = { intent, state, config: this.config };
    const entry = isEntry(intent);
    const violations: RiskViolation[] = [];
    const limits: Record<string, string> = {};
    const keys: string[] = [];
    for (const rule of this.rules) {
      if (rule.entryOnly && !entry) continue;
      const out = rule.evaluate(ctx);
      const written = out.limits;
      for (const k of Object.keys(written)) {
        // Two rules writing one key would make the answer depend on rule order: a bug in the rules.
        if (k in limits) throw new Error(`risk rules ${rule.code} and another both report limit ${k}`);
        limits[k] = written[k]!;
        keys.push(k);
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
    for (const k of this.sortedKeys(keys)) sortedLimits[k] = limits[k]!;
    return { ok: violations.length === 0, reasons: violations.map((v) => `${v.code}: ${v.message}`), violations, limits: sortedLimits };
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

  /**
   * `keys` sorted. Checks of the same kind write the same keys in the same order, so the last
   * sort is reused when the keys are the same list (compared key by key: cheaper than sorting).
   */
  private sortedKeys(keys: readonly string[]): readonly string[] {
    const last = this.lastKeys;
    let same = last.length === keys.length;
    for (let i = 0; same && i < keys.length; i++) same = last[i] === keys[i];
    if (!same) {
      this.lastKeys = keys;
      this.lastSorted = [...keys].sort();
    }
    return this.lastSorted;
  }
}
