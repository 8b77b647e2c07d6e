import { ZERO } from '@cab/domain';
import type { Broker, BrokerResult, OrderDTO } from '../ports/broker';

/** How far before the order's creation its trades are looked for (the venue's and our clocks differ a little). */
const LOOKBACK_MS = 60_000;

/**
 * An order answer as the core must see it: with the venue's trades (the fills table holds exactly
 * the venue's trades, by trade id). Gate's create and order lookups carry no trades; the order's
 * trades are read (`fetchMyTrades` since its creation, those of its exchange id) before the answer
 * is enqueued — the adapter reads, then the core decides (docs/core.md, "Drivers").
 *
 * `complete`: the answer with its trades; `incomplete`: the trades could not be read, or do not yet
 * add up to what the venue says filled (the caller decides: a reconcile look waits for the next pass).
 */
export async function withVenueTrades(
  broker: Pick<Broker, 'fetchMyTrades'>,
  symbol: string,
  r: BrokerResult<OrderDTO>,
): Promise<{ result: BrokerResult<OrderDTO>; complete: boolean }> {
  if (!r.ok) return { result: r, complete: true };
  const o = r.value;
  if (!o.filledBase.gt(ZERO) || sum(o).gte(o.filledBase)) return { result: r, complete: true };
  const t = await broker.fetchMyTrades(symbol, o.createdAt - LOOKBACK_MS);
  if (!t.ok) return { result: r, complete: false };
  const fills = t.value.filter((f) => f.orderId === o.id);
  if (fills.length === 0) return { result: r, complete: false };
  const result: BrokerResult<OrderDTO> = { ok: true, value: { ...o, fills } };
  return { result, complete: sum(result.value).gte(o.filledBase) };
}

function sum(o: OrderDTO) {
  let s = ZERO;
  for (const f of o.fills) s = s.plus(f.amount);
  return s;
}
