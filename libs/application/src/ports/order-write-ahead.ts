import type { OrderRecord } from './orders-repository';
import type { UnitOfWork } from './unit-of-work';

/** What a write-ahead did: committed, or refused with nothing written. */
export type WriteAheadResult = { ok: true } | { ok: false; code: 'IDEMPOTENCY.TAKEN' | 'ORDER.DUPLICATE' };

/**
 * The write-ahead of one order (docs/lessons.md #3, docs/core.md "Drivers"): in ONE transaction,
 * committed before the promise resolves, the order's idempotency key is reserved for `ttlMs`
 * (its ref: the client order id; a key whose TTL has passed is taken over) and the order row is
 * inserted. Refusals write nothing: a live key held already (`IDEMPOTENCY.TAKEN`), or a row that
 * exists already under that client or exchange order id (`ORDER.DUPLICATE`: the key reserved with
 * it is rolled back). A failed write rejects, with nothing committed.
 *
 * It is the same unit of work as `unitOfWorkWriteAhead` below; a store may carry it out its own way
 * when that is faster on the order's path (SQLite: prepared statements, no query builder).
 */
export interface OrderWriteAhead {
  writeAhead(order: OrderRecord, ttlMs: number): Promise<WriteAheadResult>;
  /**
   * Optional: the same write-ahead, done before it returns (the same result, the same throw), or
   * null when it cannot be done now (the caller then uses `writeAhead`). A store whose write-ahead
   * needs no await (SQLite's intent log: one append) offers it, so an order's send follows its
   * decision in the same step, with no promise between them.
   */
  writeAheadNow?(order: OrderRecord, ttlMs: number): WriteAheadResult | null;
}

/** The write-ahead through any UnitOfWork: the reference every store's own version must match. */
export function unitOfWorkWriteAhead(unitOfWork: UnitOfWork): OrderWriteAhead {
  return {
    writeAhead: (order, ttlMs) =>
      unitOfWork
        .run(async (tx): Promise<WriteAheadResult> => {
          const key = order.idempotencyKey;
          if (key !== null) {
            const r = await tx.idempotency.reserve(key, ttlMs, order.clientOrderId);
            if (!r.ok) return { ok: false, code: 'IDEMPOTENCY.TAKEN' };
          }
          const ins = await tx.orders.insert(order);
          if (!ins.ok) throw new DuplicateOrder();
          return { ok: true };
        })
        .catch((err: unknown): WriteAheadResult => {
          // The row exists: the unit of work rolled the key back with it.
          if (err instanceof DuplicateOrder) return { ok: false, code: 'ORDER.DUPLICATE' };
          throw err;
        }),
  };
}

/** An order row that exists already: thrown so the unit of work rolls back the key it reserved. */
class DuplicateOrder extends Error {}
