import type { FillsRepository, OrdersRepository, PositionsRepository } from '@cab/application';
export type { FillRecord } from '@cab/application';

/** What the seed needs of a storage (a SqliteStorage has all of it). */
export interface SqliteStorageLike {
  orders: OrdersRepository;
  fills: FillsRepository;
  positions: PositionsRepository;
}
