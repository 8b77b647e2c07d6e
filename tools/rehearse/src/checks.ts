import { dec, str, ZERO } from '@cab/domain';

/** What the venue (the emulator) holds at the end: its truth. */
export interface VenueFacts {
  /** In the order the venue took them; `filled` is the base filled. */
  orders: ReadonlyArray<{ id: string; text: string; side: string; pair: string; filled: string }>;
  trades: ReadonlyArray<{ id: string; orderId: string; side: string; amount: string }>;
  /** Base currency of the traded pair: free + locked now, and what the account started with. */
  baseNow: string;
  baseAtStart: string;
}

/** What the bot's database holds at the end. */
export interface BotFacts {
  orders: ReadonlyArray<{ clientOrderId: string; exchangeOrderId: string | null; idempotencyKey: string | null }>;
  fillTradeIds: ReadonlySet<string>;
  /** positions.base_qty of the traded symbol; null = no row. */
  positionBase: string | null;
}

export interface Duplicate {
  /**
   * 'text': two venue orders carry one client order id; 'idempotency-key': two venue orders answer
   * one key; 'double-entry': a filled buy right after a filled buy, no sell between (the rehearsal's
   * strategy buys only when flat and entries are never added to, so the second repeats the first).
   */
  kind: 'text' | 'idempotency-key' | 'double-entry';
  key: string;
  venueOrderIds: string[];
}

export interface Findings {
  venueOrders: number;
  venueTrades: number;
  duplicates: Duplicate[];
  /** Venue trades whose id is not in the fills table. */
  lostFills: string[];
  /** Venue orders that no row of ours names (by client order id or venue id). */
  unknownVenueOrders: string[];
  /** Bot position minus the venue's base change since the start (decimal string). */
  positionDifference: string;
  positionBase: string;
  venueBaseChange: string;
  dust: string;
  positionOk: boolean;
}

/** Gate's `text` for one of our client order ids (the broker adds "t-" when it is missing). */
const asText = (clientOrderId: string): string => (clientOrderId.startsWith('t-') ? clientOrderId : `t-${clientOrderId}`);

/**
 * Compares the venue with the bot's records: duplicates (two venue orders for one client order id
 * or one idempotency key), lost fills (a venue trade the fills table lacks) and the position against
 * the venue's balance change, with `dust` (one amount step) of tolerance.
 */
export function compare(venue: VenueFacts, bot: BotFacts, dust: string): Findings {
  const duplicates: Duplicate[] = [];
  const byText = new Map<string, string[]>();
  for (const o of venue.orders) {
    if (!o.text.startsWith('t-')) continue;
    byText.set(o.text, [...(byText.get(o.text) ?? []), o.id]);
  }
  for (const [text, ids] of byText) if (ids.length > 1) duplicates.push({ kind: 'text', key: text, venueOrderIds: ids });

  const rowByText = new Map(bot.orders.map((o) => [asText(o.clientOrderId), o] as const));
  const rowByVenueId = new Map(bot.orders.filter((o) => o.exchangeOrderId !== null).map((o) => [o.exchangeOrderId as string, o] as const));
  const byKey = new Map<string, Set<string>>();
  const unknownVenueOrders: string[] = [];
  for (const o of venue.orders) {
    const row = rowByText.get(o.text) ?? rowByVenueId.get(o.id);
    if (!row) {
      unknownVenueOrders.push(o.id);
      continue;
    }
    if (row.idempotencyKey === null) continue;
    byKey.set(row.idempotencyKey, (byKey.get(row.idempotencyKey) ?? new Set()).add(o.id));
  }
  for (const [key, ids] of byKey) {
    // Already counted when the orders share a text (one key gives one client order id).
    const sameText = new Set([...ids].map((id) => venue.orders.find((o) => o.id === id)?.text)).size === 1;
    if (ids.size > 1 && !sameText) duplicates.push({ kind: 'idempotency-key', key, venueOrderIds: [...ids] });
  }

  let lastFilled: VenueFacts['orders'][number] | null = null;
  for (const o of venue.orders) {
    if (dec(o.filled).lte(ZERO)) continue;
    if (o.side === 'buy' && lastFilled?.side === 'buy')
      duplicates.push({ kind: 'double-entry', key: `${lastFilled.text} then ${o.text}`, venueOrderIds: [lastFilled.id, o.id] });
    lastFilled = o;
  }

  const lostFills = venue.trades.filter((t) => !bot.fillTradeIds.has(t.id)).map((t) => t.id);
  const positionBase = dec(bot.positionBase ?? '0');
  const venueBaseChange = dec(venue.baseNow).minus(dec(venue.baseAtStart));
  const difference = positionBase.minus(venueBaseChange);
  return {
    venueOrders: venue.orders.length,
    venueTrades: venue.trades.length,
    duplicates,
    lostFills,
    unknownVenueOrders,
    positionDifference: str(difference),
    positionBase: str(positionBase),
    venueBaseChange: str(venueBaseChange),
    dust,
    positionOk: difference.abs().lte(dec(dust)),
  };
}

/** The run fails on any duplicate, any lost fill, or a position off the venue by more than dust. */
export function passed(f: Findings): boolean {
  return f.duplicates.length === 0 && f.lostFills.length === 0 && f.positionOk;
}
