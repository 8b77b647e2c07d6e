import { ZERO, type Decimal } from '../money/decimal';
import type { Instrument } from '../market/instrument';
import { applyFill, type Fill, type FillOutcome, type Position } from './position';

/** Whether a base amount left on a position can no longer be sold at this price. */
export type DustTest = (base: Decimal, price: Decimal) => boolean;

/** Never dust: only an exact zero closes a round trip (when the exchange minimum is unknown). */
export const noDust: DustTest = () => false;

/**
 * Dust on an instrument: what, quantized down to its amount step, the exchange would refuse to
 * sell at this price (zero on the grid, below the minimum amount or the minimum order value).
 */
export function instrumentDust(inst: Instrument): DustTest {
  return (base, price) => !inst.accepts(inst.qty(base), price);
}

export interface RoundTripOutcome extends FillOutcome {
  /** What a sell left that cannot be sold; zero otherwise. It stays held, with its cost. */
  readonly dust: Decimal;
}

/**
 * THE round-trip rule, shared by the pipeline's books, the risk ledger, the backtest report and
 * the performance report: a round trip runs from the first buy on a flat (or dust-only) position
 * to the sell that leaves nothing, or only dust. Gate takes a buy's fee in base, so selling what
 * can be sold practically always leaves dust: closing only at exactly zero would never close.
 *
 * A sell closing on dust returns `closed` like one closing at zero; the dust stays on the position
 * (it is still coin, valued with its cost), and the next buy starts a new round trip with it.
 */
export function applyRoundTripFill(p: Position, f: Fill, isDust: DustTest = noDust): RoundTripOutcome {
  const out = applyFill(p, f);
  const left = out.position;
  if (out.closed || f.side !== 'sell' || !left.base.gt(ZERO) || !isDust(left.base, f.price)) return { ...out, dust: ZERO };
  return {
    ...out,
    position: { ...left, realizedQuote: ZERO, feesQuote: ZERO, openedTs: null },
    closed: {
      symbol: p.symbol,
      openedTs: left.openedTs ?? f.ts,
      closedTs: f.ts,
      realizedQuote: left.realizedQuote,
      feesQuote: left.feesQuote,
      pnlQuote: left.realizedQuote.minus(left.feesQuote),
    },
    dust: left.base,
  };
}
