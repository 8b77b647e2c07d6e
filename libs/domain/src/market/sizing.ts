import { ZERO, min, type Decimal } from '../money/decimal';
import type { Instrument, InstrumentDenyReason } from './instrument';

export interface SellSize {
  /** What to send: min(free base, position), quantized down to the amount step. */
  readonly qty: Decimal;
  /** What stays behind on the position after selling `qty` (below one step, or unsellable). */
  readonly dust: Decimal;
  /** Why the exchange would refuse `qty` at `price` (then the whole position is dust), or null. */
  readonly deny: InstrumentDenyReason | null;
}

/**
 * How much of a position can actually be sold. The exchange balance can be lower than our
 * books (Gate's buy fee comes out of base, docs/lessons.md #4), so sell min(free, position), quantized
 * down; whatever cannot be sold is reported as dust rather than left to fail (docs/lessons.md #5).
 */
export function sellSize(instrument: Instrument, positionBase: Decimal, freeBase: Decimal, price: Decimal): SellSize {
  const raw = min(positionBase, freeBase);
  const qty = raw.gt(ZERO) ? instrument.qty(raw, 'down') : ZERO;
  const deny = instrument.check(qty, price);
  if (deny) return { qty: ZERO, dust: positionBase, deny };
  return { qty, dust: positionBase.minus(qty), deny: null };
}
