import {
  applyRoundTripFill,
  dec,
  divide,
  flatPosition,
  str,
  ZERO,
  type Decimal,
  type DustTest,
  type FeeCurrency,
  type Position,
  type TradeResult,
} from '@cab/domain';
import type { ReportFill } from './report';
import type { StopLevel } from './stop-levels';

/** One closed round trip as the report's table shows it; amounts are exact decimal text. */
export interface RoundTrip {
  openedTs: number;
  closedTs: number;
  holdingMs: number;
  /** Average price of the round trip's buys, fees excluded. */
  entryPrice: string;
  /** Average price of its sells. */
  exitPrice: string;
  /** Base bought (gross, before a fee taken in base). */
  amount: string;
  /** Quote spent on the buys, fees excluded: what the profit % is of. */
  costQuote: string;
  /** Gross realized PnL, fees (in quote), and realized − fees. */
  realized: string;
  fees: string;
  pnl: string;
  /** pnl / costQuote × 100, to 4 places. */
  pnlPct: string;
  /** What closed it: `signal`, `EXIT.STOP_LOSS`, `EXIT.TRAILING_STOP`, `EXIT.TAKE_PROFIT` (the closing sell's reason). */
  exitReason: string;
  /** The hard stop and the last trailing-stop level while it was open; null when off, not armed or not recorded. */
  stop: string | null;
  trail: string | null;
}

/** The round trip still open at the end of the run (its entry is on the chart, it is in no table). */
export interface OpenTrade {
  openedTs: number;
  entryPrice: string;
  amount: string;
}

/** `signal` from "signal: EMA cross…", `EXIT.STOP_LOSS` from "exit EXIT.STOP_LOSS: price … <= stop …" (TradingCore's and the pipeline's order reasons). */
export function exitReasonOf(reason: string | null): string {
  if (reason === null || reason.trim() === '') return 'unknown';
  const head = (reason.split(':')[0] ?? '').trim();
  return head.startsWith('exit ') ? head.slice(5).trim() : head;
}

interface Leg {
  amount: Decimal;
  cost: Decimal;
}
const NO_LEG: Leg = { amount: ZERO, cost: ZERO };
const add = (l: Leg, f: ReportFill): Leg => ({ amount: l.amount.plus(dec(f.amount)), cost: l.cost.plus(dec(f.cost)) });
const avg = (l: Leg) => (l.amount.gt(ZERO) ? divide(l.cost, l.amount) : ZERO);

export interface RoundTripBook {
  trips: RoundTrip[];
  /** The domain's results, for the statistics (tradeStats, tradeMetrics). */
  results: TradeResult[];
  open: OpenTrade | null;
  /** Every fill's fee in quote. */
  fees: Decimal[];
}

/**
 * The fills replayed through THE round-trip rule (@cab/domain `applyRoundTripFill`: a sell that
 * leaves only dust closes the round trip), with what a trader reads of each: average entry and
 * exit, holding time, profit in quote and %, why it ended and where its stops stood.
 */
export function roundTrips(fills: readonly ReportFill[], base: string, symbol: string, isDust?: DustTest, stops: readonly StopLevel[] = []): RoundTripBook {
  let position: Position = flatPosition(symbol);
  let buys = NO_LEG;
  let sells = NO_LEG;
  let stopAt = 0;
  const trips: RoundTrip[] = [];
  const results: TradeResult[] = [];
  const fees: Decimal[] = [];
  for (const f of fills) {
    const outcome = applyRoundTripFill(
      position,
      {
        side: f.side,
        amount: dec(f.amount),
        price: dec(f.price),
        fee: dec(f.fee),
        feeCurrency: (f.feeCurrency === base ? 'base' : 'quote') as FeeCurrency,
        ts: f.ts,
      },
      isDust,
    );
    position = outcome.position;
    fees.push(outcome.feeQuote);
    if (f.side === 'buy') buys = add(buys, f);
    else sells = add(sells, f);
    const c = outcome.closed;
    if (!c) continue;
    results.push(c);
    // The stop levels recorded while it was open: from its opening up to (not at) its close.
    let stop: string | null = null;
    let trail: string | null = null;
    while (stopAt < stops.length && (stops[stopAt] as StopLevel).ts < c.openedTs) stopAt++;
    for (; stopAt < stops.length && (stops[stopAt] as StopLevel).ts < c.closedTs; stopAt++) {
      const l = stops[stopAt] as StopLevel;
      if (l.stop !== null) stop = l.stop;
      if (l.trail !== null) trail = l.trail;
    }
    trips.push({
      openedTs: c.openedTs,
      closedTs: c.closedTs,
      holdingMs: c.closedTs - c.openedTs,
      entryPrice: str(avg(buys)),
      exitPrice: str(avg(sells)),
      amount: str(buys.amount),
      costQuote: str(buys.cost),
      realized: str(c.realizedQuote),
      fees: str(c.feesQuote),
      pnl: str(c.pnlQuote),
      pnlPct: buys.cost.gt(ZERO) ? str(c.pnlQuote.div(buys.cost).times(dec('100')).round(4)) : '0',
      exitReason: exitReasonOf(f.reason),
      stop,
      trail,
    });
    buys = NO_LEG;
    sells = NO_LEG;
  }
  const open =
    position.openedTs !== null && buys.amount.gt(ZERO) ? { openedTs: position.openedTs, entryPrice: str(avg(buys)), amount: str(buys.amount) } : null;
  return { trips, results, open, fees };
}
