import { dec, str, ORDER_STATUSES, type Decimal, type OrderStatus, type Side } from '@cab/domain';
import type { Kysely } from 'kysely';
import type { StorageSchema } from '../schema';

/** BOT_ID's default: a single bot needs no name (and rows written before V0006 belong to it). */
export const DEFAULT_BOT_ID = 'default';

/** A kysely handle on our schema: the database itself or an open transaction. */
export type Db = Kysely<StorageSchema>;

/**
 * Runs `fn` in a transaction unless `db` already is one (then it is part of the caller's).
 * Every multi-row change goes through here, so it is all-or-nothing on its own too.
 */
export function inTransaction<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

export const decOrNull = (v: string | null): Decimal | null => (v === null ? null : dec(v));
export const strOrNull = (v: Decimal | null | undefined): string | null => (v === null || v === undefined ? null : str(v));

/** Rows are checked on the way out: a bad value in the database is a bug to surface, not to pass on. */
export function toSide(v: string): Side {
  if (v === 'buy' || v === 'sell') return v;
  throw new Error(`stored side is not buy/sell: ${JSON.stringify(v)}`);
}

const STATUSES: ReadonlySet<string> = new Set(ORDER_STATUSES);
export function toOrderStatus(v: string): OrderStatus {
  if (STATUSES.has(v)) return v as OrderStatus;
  throw new Error(`stored order status is unknown: ${JSON.stringify(v)}`);
}

/** Default and ceiling for list queries: callers page rather than load a table into memory. */
export function clampLimit(limit: number | undefined, fallback = 100, ceiling = 10_000): number {
  if (limit === undefined) return fallback;
  if (!Number.isInteger(limit) || limit <= 0) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  return Math.min(limit, ceiling);
}
