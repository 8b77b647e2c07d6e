import { FieldReader, type Validated } from '../config/validated';
import type { Decimal, DecimalInput } from '../money/decimal';

/**
 * Protective exits, as fractions of the entry price (0.02 = 2 %); 0 turns a part off.
 * Settings: EXIT_STOP_PCT, EXIT_TRAIL_ACTIVATE_PCT, EXIT_TRAIL_PCT, EXIT_TAKE_PROFIT_PCT.
 */
export interface ExitConfig {
  /** Hard stop: exit when the price falls this far below entry. */
  readonly stopPct: Decimal;
  /** The trailing stop arms once the price has risen this far above entry (0 = armed at once). */
  readonly trailActivatePct: Decimal;
  /** Once armed, the trailing stop sits this far below the highest price seen (0 = no trailing stop). */
  readonly trailPct: Decimal;
  /** Optional take-profit: exit when the price rises this far above entry. */
  readonly takeProfitPct: Decimal;
}

export type ExitConfigInput = { readonly [K in keyof ExitConfig]: DecimalInput };

export const EXIT_SETTING_NAMES: Readonly<Record<keyof ExitConfig, string>> = {
  stopPct: 'EXIT_STOP_PCT',
  trailActivatePct: 'EXIT_TRAIL_ACTIVATE_PCT',
  trailPct: 'EXIT_TRAIL_PCT',
  takeProfitPct: 'EXIT_TAKE_PROFIT_PCT',
};

/** Every problem of an exit configuration at once. */
export function validateExitConfig(input: Partial<Record<keyof ExitConfig, unknown>>): Validated<ExitConfig> {
  const r = new FieldReader();
  const value: ExitConfig = {
    stopPct: r.decimal('stopPct', input.stopPct, { min: '0', max: '1', maxExclusive: true }),
    trailActivatePct: r.decimal('trailActivatePct', input.trailActivatePct, { min: '0' }),
    trailPct: r.decimal('trailPct', input.trailPct, { min: '0', max: '1', maxExclusive: true }),
    takeProfitPct: r.decimal('takeProfitPct', input.takeProfitPct, { min: '0' }),
  };
  return r.done(value);
}
