import type { Clock, IdGenerator } from '@cab/domain';
import type { AuditLog } from '../ports/audit-log';
import type { Broker } from '../ports/broker';
import type { EventBus } from '../ports/event-bus';
import type { FillsRepository } from '../ports/fills-repository';
import type { IdempotencyStore } from '../ports/idempotency-store';
import type { Logger } from '../ports/logger';
import type { MarketData } from '../ports/market-data';
import type { Metrics } from '../ports/metrics';
import type { OrderWriteAhead } from '../ports/order-write-ahead';
import type { OrdersRepository } from '../ports/orders-repository';
import type { PositionsRepository } from '../ports/positions-repository';
import type { SafetyStateStore } from '../ports/safety-state-store';
import type { StorageHousekeeping } from '../ports/storage-housekeeping';
import type { UnitOfWork } from '../ports/unit-of-work';

/** The storage ports the pipeline reads and writes (SqliteStorage and InMemoryStorage both fit). */
export interface PipelineStores {
  orders: OrdersRepository;
  fills: FillsRepository;
  positions: PositionsRepository;
  idempotency: IdempotencyStore;
  audit: AuditLog;
  unitOfWork: UnitOfWork;
  /** Halts and reconcile trade cursors, so a restart resumes where it stopped. */
  safety: SafetyStateStore;
  /** Run on the reconcile loop, never inside an order's path. */
  housekeeping?: StorageHousekeeping;
  /** The store's own write-ahead of an order (faster than `unitOfWork` on the order's path); without it, the unit of work's. */
  writeAhead?: OrderWriteAhead;
}

/** What every use case, loop and reconciler is built from: ports only, injected by compose(). */
export interface PipelineDeps {
  broker: Broker;
  marketData: MarketData;
  stores: PipelineStores;
  bus: EventBus;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  metrics: Metrics;
}
