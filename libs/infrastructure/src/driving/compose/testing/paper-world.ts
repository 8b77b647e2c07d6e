import type { Broker } from '@cab/application';
import type { PipelineWorld } from './pipeline.contract';

/** Orders a broker reports through its trades (the paper broker keeps orders in memory). */
export async function ordersFromTrades(broker: Broker, symbol: string): Promise<{ clientOrderId: string | null; status: string }[]> {
  const trades = await broker.fetchMyTrades(symbol);
  if (!trades.ok) throw new Error(trades.error.code);
  const out: { clientOrderId: string | null; status: string }[] = [];
  for (const id of [...new Set(trades.value.map((t) => t.orderId))]) {
    const o = await broker.fetchOrder(symbol, { id });
    if (!o.ok) throw new Error(o.error.code);
    out.push({ clientOrderId: o.value.clientOrderId, status: o.value.status });
  }
  return out;
}

/** Paper mode as compose() builds it: PaperVenue over the market data, balances in SQLite. */
export async function makePaperPipelineWorld(): Promise<PipelineWorld> {
  return {
    mode: 'paper',
    env: {},
    broker: null,
    setVenuePrice: async () => undefined,
    venueOrders: (symbol, broker) => ordersFromTrades(broker, symbol),
    countdownArmed: () => null,
    close: async () => undefined,
  };
}
