import { FieldReader, type Validated } from '../config/validated';
import type { Decimal } from '../money/decimal';

/**
 * Risk limits. Every limit uses 0 for "off". Percentages are fractions (0.005 = 0.5 %); amounts
 * are decimals in the quote or base currency of the traded symbol.
 */
export interface RiskConfig {
  /** Seconds after a trade on a symbol before the next entry on it. */
  readonly cooldownSec: number;
  /** Largest (ask − bid) / mid accepted for an entry. */
  readonly maxSpreadPct: Decimal;
  /** Largest position in base an entry may lead to. */
  readonly maxPositionBase: Decimal;
  /** Orders (entries and exits) in any rolling hour before entries stop. */
  readonly maxOrdersPerHour: number;
  /** Net realized loss (realized PnL − fees, UTC day) at which entries stop for the day. */
  readonly dailyLossLimitQuote: Decimal;
  /** Largest taker fee rate accepted. */
  readonly maxFeePct: Decimal;
  /** Largest estimated slippage, from walking the order book for the order's size. */
  readonly maxSlippagePct: Decimal;
  /** Losing trades in a row that pause entries … */
  readonly lossStreakMax: number;
  /** … for this many seconds after the last of them. */
  readonly lossStreakPauseSec: number;
  /** Fall of equity from its peak, in quote, at which entries stop. */
  readonly maxDrawdownQuote: Decimal;
  /** Positions open at once across all symbols; an entry that would open one more is refused. */
  readonly maxOpenPositions: number;
  /** Quote in open positions across all symbols (at their average entry) an entry may bring the total to. */
  readonly maxTotalExposureQuote: Decimal;
}

/** The settings each field comes from, so the application can name them in its problems. */
export const RISK_SETTING_NAMES: Readonly<Record<keyof RiskConfig, string>> = {
  cooldownSec: 'RISK_COOLDOWN_SEC',
  maxSpreadPct: 'RISK_MAX_SPREAD_PCT',
  maxPositionBase: 'RISK_MAX_POSITION_BASE',
  maxOrdersPerHour: 'RISK_MAX_ORDERS_PER_HOUR',
  dailyLossLimitQuote: 'RISK_DAILY_LOSS_LIMIT_QUOTE',
  maxFeePct: 'RISK_MAX_FEE_PCT',
  maxSlippagePct: 'RISK_MAX_SLIPPAGE_PCT',
  lossStreakMax: 'RISK_LOSS_STREAK_MAX',
  lossStreakPauseSec: 'RISK_LOSS_STREAK_PAUSE_SEC',
  maxDrawdownQuote: 'RISK_MAX_DRAWDOWN_QUOTE',
  maxOpenPositions: 'RISK_MAX_OPEN_POSITIONS',
  maxTotalExposureQuote: 'RISK_MAX_TOTAL_EXPOSURE_QUOTE',
};

const DAY_SEC = 86_400;

/**
 * Checks plain values (decimals as text or Decimal, counts as numbers) and returns the typed
 * config or every problem at once.
 */
export function validateRiskConfig(input: Partial<Record<keyof RiskConfig, unknown>>): Validated<RiskConfig> {
  const r = new FieldReader();
  const value: RiskConfig = {
    cooldownSec: r.integer('cooldownSec', input.cooldownSec, 0, 7 * DAY_SEC),
    maxSpreadPct: r.decimal('maxSpreadPct', input.maxSpreadPct, { min: '0', max: '1' }),
    maxPositionBase: r.decimal('maxPositionBase', input.maxPositionBase, { min: '0' }),
    maxOrdersPerHour: r.integer('maxOrdersPerHour', input.maxOrdersPerHour, 0, 100_000),
    dailyLossLimitQuote: r.decimal('dailyLossLimitQuote', input.dailyLossLimitQuote, { min: '0' }),
    maxFeePct: r.decimal('maxFeePct', input.maxFeePct, { min: '0', max: '1' }),
    maxSlippagePct: r.decimal('maxSlippagePct', input.maxSlippagePct, { min: '0', max: '1' }),
    lossStreakMax: r.integer('lossStreakMax', input.lossStreakMax, 0, 1_000),
    lossStreakPauseSec: r.integer('lossStreakPauseSec', input.lossStreakPauseSec, 0, 30 * DAY_SEC),
    maxDrawdownQuote: r.decimal('maxDrawdownQuote', input.maxDrawdownQuote, { min: '0' }),
    // Added with multi-symbol backtests: a config written before them has neither, and means off.
    maxOpenPositions: r.integer('maxOpenPositions', input.maxOpenPositions ?? 0, 0, 1_000),
    maxTotalExposureQuote: r.decimal('maxTotalExposureQuote', input.maxTotalExposureQuote ?? '0', { min: '0' }),
  };
  if (value.lossStreakMax > 0) r.check(value.lossStreakPauseSec > 0, 'lossStreakPauseSec: must be > 0 when lossStreakMax is set');
  return r.done(value);
}
