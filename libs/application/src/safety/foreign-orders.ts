import type { Broker, BrokerResult, OrderDTO } from '../ports/broker';
import type { OrdersRepository } from '../ports/orders-repository';

/**
 * The venue's open orders on the symbol that the bot did not send: placed by hand (on the web, in
 * the app) or by another program on the same account, adopted or not. The dead man's switch is
 * Gate's countdown_cancel_all, which cancels EVERY open order on the pair when the bot stops
 * refreshing it — these included. The documented way to run the bot is a dedicated sub-account;
 * this is what tells the owner when the account is not one (the start log and `cab smoke`).
 */
export async function foreignOpenOrders(broker: Broker, orders: OrdersRepository, symbol: string): Promise<BrokerResult<OrderDTO[]>> {
  const open = await broker.fetchOpenOrders(symbol);
  if (!open.ok) return open;
  const foreign: OrderDTO[] = [];
  for (const o of open.value) {
    const ours = (o.clientOrderId !== null ? await orders.byClientOrderId(o.clientOrderId) : null) ?? (await orders.byExchangeOrderId(broker.name, o.id));
    // An adopted order has a row but no idempotency key: the bot never sent it.
    if (!ours || ours.idempotencyKey === null) foreign.push(o);
  }
  return { ok: true, value: foreign };
}

/** One line for a log or a table: what the countdown would cancel besides the bot's own orders. */
export function describeForeignOrders(symbol: string, foreign: readonly OrderDTO[]): string {
  const shown = foreign
    .slice(0, 3)
    .map((o) => `${o.side} ${o.type} ${o.id}${o.clientOrderId ? ` (${o.clientOrderId})` : ''}`)
    .join(', ');
  const more = foreign.length > 3 ? ` and ${foreign.length - 3} more` : '';
  return `${symbol}: ${foreign.length} open order(s) the bot did not send (${shown}${more}); the dead man's switch (Gate's countdown cancel-all) cancels every open order on the pair when it fires, these included — run the bot on a dedicated sub-account`;
}
