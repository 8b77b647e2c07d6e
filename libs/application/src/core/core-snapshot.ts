import type { FillsRepository } from '../ports/fills-repository';
import type { OrderRecord, OrdersRepository } from '../ports/orders-repository';
import type { PositionRecord, PositionsRepository } from '../ports/positions-repository';
import type { SafetyStateStore, StoredHalt, TradeCursor } from '../ports/safety-state-store';

/** What start-up recovery reads of the store (docs/core.md, "Drivers"). */
export interface CoreStores {
  orders: Pick<OrdersRepository, 'open' | 'find'>;
  positions: Pick<PositionsRepository, 'get'>;
  fills: Pick<FillsRepository, 'byOrder'>;
  safety: Pick<SafetyStateStore, 'halts' | 'tradeCursors'>;
}

/** One of our orders not settled when the bot stopped, with the trade ids already counted for it. */
export interface UnsettledSnapshot {
  readonly order: OrderRecord;
  readonly tradeIds: readonly string[];
}

/**
 * The store as TradingCore.restore takes it: what a stopped (or crashed) bot left, read before the
 * first event so the core decides nothing on an empty book.
 */
export interface CoreSnapshot {
  /** The stored positions of the traded symbols (a symbol without one is flat). */
  readonly positions: readonly PositionRecord[];
  /** Orders not terminal (new, submitted, partial, in flight). */
  readonly unsettled: readonly UnsettledSnapshot[];
  /** Orders created within the ledger's look-back, oldest first: the risk ledger is replayed from them, and the current bucket's keys taken. */
  readonly recent: readonly OrderRecord[];
  readonly halts: readonly StoredHalt[];
  /** Each symbol's reconcile trade cursor as the last pass left it (absent or missing: never reconciled, the first look-back). */
  readonly tradeCursors?: readonly TradeCursor[];
}

/** How far back the risk ledger is replayed by default: a week. */
export const LEDGER_REPLAY_MS = 7 * 86_400_000;

/** Reads the snapshot (awaits the store; the core is not touched until TradingCore.restore). */
export async function loadCoreSnapshot(stores: CoreStores, symbols: readonly string[], now: number, ledgerReplayMs = LEDGER_REPLAY_MS): Promise<CoreSnapshot> {
  const positions: PositionRecord[] = [];
  const unsettled: UnsettledSnapshot[] = [];
  const recent: OrderRecord[] = [];
  for (const symbol of symbols) {
    const p = await stores.positions.get(symbol);
    if (p) positions.push(p);
    for (const order of await stores.orders.open(symbol))
      unsettled.push({ order, tradeIds: (await stores.fills.byOrder(order.clientOrderId)).map((f) => f.tradeId) });
    recent.push(...(await stores.orders.find({ symbol, since: now - ledgerReplayMs, limit: 10_000 })));
  }
  recent.sort((a, b) => a.createdAt - b.createdAt);
  return { positions, unsettled, recent, halts: await stores.safety.halts(), tradeCursors: await stores.safety.tradeCursors() };
}
