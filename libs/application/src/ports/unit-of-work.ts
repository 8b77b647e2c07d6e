import type { AuditLog } from './audit-log';
import type { FillsRepository } from './fills-repository';
import type { IdempotencyStore } from './idempotency-store';
import type { OrdersRepository } from './orders-repository';
import type { PositionsRepository } from './positions-repository';

/** The repositories that can take part in one transaction. */
export interface TransactionalStores {
  orders: OrdersRepository;
  fills: FillsRepository;
  positions: PositionsRepository;
  idempotency: IdempotencyStore;
  audit: AuditLog;
}

/**
 * All-or-nothing writes. Inside `run`, the repositories handed to `work` share one transaction:
 * it commits when `work` resolves and rolls back when it throws, so a crash at any point leaves
 * either everything or nothing. The typical use:
 *
 *   await uow.run(async (tx) => {
 *     await tx.orders.update(id, { status: 'filled', filledBase, filledQuote, updatedAt });
 *     const { inserted } = await tx.fills.insertMany(fills);   // replays are skipped
 *     await tx.positions.save(applyFills(position, inserted));  // only the new fills move it
 *   });
 *
 * Expected outcomes (a duplicate id, a taken key) are values: return them from `work` and the
 * transaction commits what was written; throw to undo everything. Transactions do not nest, and
 * `work` must not touch the non-transactional repositories (that would wait on itself).
 */
export interface UnitOfWork {
  run<T>(work: (tx: TransactionalStores) => Promise<T>): Promise<T>;
}
