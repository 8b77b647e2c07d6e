import type {
  AuditLog,
  CandleRepository,
  DeadLetterQueue,
  FillsRepository,
  IdempotencyStore,
  OrdersRepository,
  OrderWriteAhead,
  PaperLedgerStore,
  PositionsRepository,
  SafetyStateStore,
  StorageHousekeeping,
  UnitOfWork,
} from '@cab/application';
import type { Kysely } from 'kysely';
import type { MigrateResult } from './migrations/runner';
import type { BotSummary } from './tables/bot-list';
import type { StorageSchema } from './schema';

export type StorageDialect = 'sqlite' | 'postgres';

/**
 * Every storage port over one database, with the schema migrated: what compose() runs on. The same
 * repositories (kysely) serve SQLite (openSqliteStorage) and Postgres (openPostgresStorage); see
 * docs/postgres.md.
 */
export interface Storage {
  readonly dialect: StorageDialect;
  /** BOT_ID: every row written carries it, every read is scoped to it. */
  readonly botId: string;
  /** The kysely handle (for maintenance and tests: the repositories are the bot's way in, and they add the bot_id filter). */
  readonly db: Kysely<StorageSchema>;
  readonly migrations: MigrateResult;
  readonly orders: OrdersRepository;
  readonly fills: FillsRepository;
  readonly positions: PositionsRepository;
  readonly idempotency: IdempotencyStore;
  readonly audit: AuditLog;
  /** Market data: shared by every bot of the database (candles are the venue's, not a bot's). */
  readonly candles: CandleRepository;
  readonly dlq: DeadLetterQueue;
  readonly paperLedger: PaperLedgerStore;
  /** Halts and reconcile trade cursors: what a restart resumes from. */
  readonly safety: SafetyStateStore;
  readonly unitOfWork: UnitOfWork;
  /** An order's write-ahead (key + row, one transaction): SQLite's prepared statements, Postgres's unit of work. */
  readonly writeAhead: OrderWriteAhead;
  /** SQLite: a passive WAL checkpoint the orchestrator runs on its reconcile loop. Postgres: nothing (autovacuum and its own checkpoints). */
  readonly housekeeping: StorageHousekeeping;
  /** Every bot with rows in this database, not only this one (the dashboard's read-only bot list; docs/postgres.md). */
  bots(): Promise<BotSummary[]>;
  /** SQLite's order intent log, as its replay at open found it (null: off; Postgres has none). */
  readonly intentLog?: IntentLogReplay | null;
  close(): Promise<void>;
}

/** What the intent log held at open: folded into SQLite before the store was read. */
export interface IntentLogReplay {
  path: string;
  /** Intents found and folded (a crash's orders written ahead but not yet in SQLite). */
  replayed: number;
  /** A last line cut short by a power cut before its send: dropped (its text, for the log). */
  torn: string | null;
}
