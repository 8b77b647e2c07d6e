import type { FillDTO } from '../ports/broker';
import type { FillRecord } from '../ports/fills-repository';
import type { OrderRecord } from '../ports/orders-repository';
import type { PipelineDeps } from '../pipeline/deps';

/**
 * The venue's trades of orders we know, into the fills table (deduplicated by trade id, so a
 * trade already recorded is skipped): the broker attaches an order's trades when it answers, best
 * effort, and a trades read that failed then is healed here by the next reconcile pass. Fills are
 * the record (PnL reports, `cab performance`); positions move by the order's own totals, so
 * recording a trade here never moves a position. Answers how many were new.
 */
export async function recordVenueTrades(deps: PipelineDeps, trades: readonly FillDTO[], known: ReadonlyMap<string, OrderRecord>): Promise<number> {
  const fills: FillRecord[] = [];
  for (const t of trades) {
    const local = known.get(t.orderId);
    if (!local || t.id === '') continue;
    fills.push({
      exchange: local.exchange,
      tradeId: t.id,
      clientOrderId: local.clientOrderId,
      exchangeOrderId: t.orderId,
      symbol: local.symbol,
      side: t.side,
      price: t.price,
      amount: t.amount,
      cost: t.cost,
      fee: t.fee,
      feeCurrency: t.feeCurrency,
      ts: t.ts,
    });
  }
  if (fills.length === 0) return 0;
  return (await deps.stores.fills.insertMany(fills)).inserted.length;
}
