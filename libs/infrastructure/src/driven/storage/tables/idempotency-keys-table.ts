import type { IdempotencyEntry, IdempotencyStore, ReserveResult } from '@cab/application';
import type { Clock } from '@cab/domain';
import { QueryTemplates } from './query-templates';
import type { WriteAheadIndex } from '../sqlite/write-ahead-index';
import { DEFAULT_BOT_ID, type Db } from './support';

export interface ReserveKeyParams {
  bot: string;
  key: string;
  ref: string | null;
  now: number;
  expiresAt: number;
}

/**
 * Insert the key, or take over a row whose TTL has passed; RETURNING a row means it was won. Shared
 * with SQLite's prepared write-ahead (sqlite/sqlite-write-ahead.ts), so both run the same SQL.
 */
export function reserveKeyQuery(db: Db, p: ReserveKeyParams) {
  return db
    .insertInto('idempotency_keys')
    .values({ bot_id: p.bot, key: p.key, ref: p.ref, created_at: p.now, expires_at: p.expiresAt })
    .onConflict((oc) =>
      oc
        .columns(['bot_id', 'key'])
        .doUpdateSet((eb) => ({
          ref: eb.ref('excluded.ref'),
          created_at: eb.ref('excluded.created_at'),
          expires_at: eb.ref('excluded.expires_at'),
        }))
        .where('idempotency_keys.expires_at', '<=', p.now),
    )
    .returning('expires_at');
}

/** A TTL the store can keep: a positive, finite number of ms. */
export function checkTtl(ttlMs: number): void {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`ttlMs must be > 0, got ${ttlMs}`);
}

export class SqlIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly templates: QueryTemplates = new QueryTemplates(),
    private readonly botId: string = DEFAULT_BOT_ID,
    /** The write-ahead's refusals (SQLite's intent log): told of every key reserved or released here. */
    private readonly index: WriteAheadIndex | null = null,
  ) {}

  /**
   * One statement, so it is atomic in any process and on any SQL database: insert the key, or
   * take over a row whose TTL has passed. RETURNING a row means we won; none means a live key
   * is held by someone else.
   */
  async reserve(key: string, ttlMs: number, ref: string | null = null): Promise<ReserveResult> {
    checkTtl(ttlMs);
    const now = this.clock.now();
    const expiresAt = now + ttlMs;
    const [won] = await this.templates.run(this.db, 'idempotency.reserve', { bot: this.botId, key, ref, now, expiresAt }, (p) => reserveKeyQuery(this.db, p));
    if (won) {
      this.index?.keyReserved(key, won.expires_at);
      return { ok: true, key, expiresAt: won.expires_at };
    }
    const held = await this.get(key);
    // The holder may have released it between our two statements; it was still taken when we asked.
    return { ok: false, code: 'IDEMPOTENCY.TAKEN', key, expiresAt: held?.expiresAt ?? expiresAt, ref: held?.ref ?? null };
  }

  async get(key: string): Promise<IdempotencyEntry | null> {
    const row = await this.db.selectFrom('idempotency_keys').selectAll().where('bot_id', '=', this.botId).where('key', '=', key).executeTakeFirst();
    return row ? { key: row.key, ref: row.ref, createdAt: row.created_at, expiresAt: row.expires_at } : null;
  }

  async release(key: string): Promise<boolean> {
    const res = await this.db.deleteFrom('idempotency_keys').where('bot_id', '=', this.botId).where('key', '=', key).executeTakeFirst();
    if (res.numDeletedRows > 0n) this.index?.keyReleased(key);
    return res.numDeletedRows > 0n;
  }

  async purgeExpired(): Promise<number> {
    // Compiled once (QueryTemplates): the reconcile loop runs it every pass.
    const now = this.clock.now();
    const rows = await this.templates.run(this.db, 'idempotency.purgeExpired', { bot: this.botId, now }, (p) =>
      this.db.deleteFrom('idempotency_keys').where('bot_id', '=', p.bot).where('expires_at', '<=', p.now).returning('key'),
    );
    return rows.length;
  }
}
