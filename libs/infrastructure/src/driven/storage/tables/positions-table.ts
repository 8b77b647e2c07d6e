import type { PositionRecord, PositionSaveResult, PositionsRepository } from '@cab/application';
import { dec, str } from '@cab/domain';
import { sql, type Selectable } from 'kysely';
import type { PositionsTable } from '../schema';
import { QueryTemplates } from './query-templates';
import { decOrNull, DEFAULT_BOT_ID, strOrNull, type Db } from './support';

type PositionValues = Omit<PositionsTable, 'version' | 'bot_id'>;

function positionToValues(p: PositionRecord): PositionValues {
  return {
    symbol: p.symbol,
    base_qty: str(p.baseQty),
    avg_entry: str(p.avgEntry),
    realized_pnl: str(p.realizedPnl),
    fees_quote: str(p.feesQuote),
    peak_price: strOrNull(p.peakPrice),
    stop_price: strOrNull(p.stopPrice),
    trailing_stop_price: strOrNull(p.trailingStopPrice),
    trailing_active: p.trailingActive ? 1 : 0,
    opened_at: p.openedAt,
    updated_at: p.updatedAt,
  };
}

export function rowToPosition(r: Omit<Selectable<PositionsTable>, 'bot_id'>): PositionRecord {
  return {
    symbol: r.symbol,
    baseQty: dec(r.base_qty),
    avgEntry: dec(r.avg_entry),
    realizedPnl: dec(r.realized_pnl),
    feesQuote: dec(r.fees_quote),
    peakPrice: decOrNull(r.peak_price),
    stopPrice: decOrNull(r.stop_price),
    trailingStopPrice: decOrNull(r.trailing_stop_price),
    trailingActive: r.trailing_active === 1,
    openedAt: r.opened_at,
    updatedAt: r.updated_at,
    version: r.version,
  };
}

/**
 * Positions as last read or written. The pipeline reads the position on every evaluation and every
 * exit check and writes it a few times per trade, so without this the reads are most of its SQL.
 *
 * Every write through this storage bumps `generation` and empties the cache — inside a
 * transaction too, before its commit or rollback; a read outside a transaction keeps its row only
 * if no write happened while it was in flight. A committed write then puts the row it wrote
 * (write-through: the next evaluation after a trade needs no query), again only if no other write
 * started since and none is still in flight. A transaction reads through the cache until it writes a position itself (it sees
 * committed rows until then) and never fills it (it may see rows that are rolled back). Writes by
 * anyone else — the CLI or another process on the same file — are noticed through
 * `externalVersion` (SQLite's data_version, which changes when another connection commits),
 * checked before every lookup. An in-memory database has no other connection and needs no check.
 */
export class PositionsCache {
  private readonly rows = new Map<string, PositionRecord | null>();
  private gen = 0;
  private external: number | null = null;
  /** Saves begun and not yet ended: while any is in flight, nothing is kept (its write may land after). */
  private writing = 0;

  constructor(private readonly externalVersion: (() => number) | null = null) {}

  get generation(): number {
    return this.gen;
  }

  lookup(symbol: string): PositionRecord | null | undefined {
    if (this.externalVersion) {
      const v = this.externalVersion();
      if (v !== this.external) {
        this.external = v;
        this.invalidate();
      }
    }
    return this.rows.get(symbol);
  }

  /**
   * Keeps a row read or written at `generation`, unless a write began since or is still in flight:
   * a save queued behind a transaction lands after that transaction's commit, so a row kept then
   * would be one the database is about to stop holding.
   */
  keep(symbol: string, row: PositionRecord | null, generation: number): void {
    if (this.writing === 0 && generation === this.gen) this.rows.set(symbol, row === null ? null : Object.freeze(row));
  }

  /** A save begins: the cache empties and keeps nothing until every save in flight has ended. */
  beginWrite(): void {
    this.writing++;
    this.invalidate();
  }

  endWrite(): void {
    this.writing--;
    this.invalidate();
  }

  invalidate(): void {
    this.gen++;
    this.rows.clear();
  }
}

export class SqlPositionsRepository implements PositionsRepository {
  /** In a transaction: whether it wrote a position (its reads then bypass the cache). */
  private wrote = false;
  /** In a transaction: the rows it wrote, for the cache once it commits (see `committed`). */
  private readonly written = new Map<string, { row: PositionRecord; generation: number }>();

  constructor(
    private readonly db: Db,
    private readonly templates: QueryTemplates = new QueryTemplates(),
    private readonly cache: PositionsCache | null = null,
    private readonly botId: string = DEFAULT_BOT_ID,
  ) {}

  async get(symbol: string): Promise<PositionRecord | null> {
    // A transaction sees the committed rows until it writes a position; its reads never fill the cache.
    const tx = this.db.isTransaction;
    const hit = this.cache && !(tx && this.wrote) ? this.cache.lookup(symbol) : undefined;
    if (hit !== undefined) return hit;
    const cache = tx ? null : this.cache;
    const generation = cache?.generation ?? 0;
    const [row] = await this.templates.run(this.db, 'positions.get', { bot: this.botId, symbol }, (p) =>
      this.db.selectFrom('positions').selectAll().where('bot_id', '=', p.bot).where('symbol', '=', p.symbol),
    );
    const position = row ? rowToPosition(row) : null;
    cache?.keep(symbol, position, generation);
    return position;
  }

  async all(): Promise<PositionRecord[]> {
    const rows = await this.db.selectFrom('positions').selectAll().where('bot_id', '=', this.botId).orderBy('symbol').execute();
    return rows.map(rowToPosition);
  }

  async save(position: PositionRecord, expectedVersion?: number): Promise<PositionSaveResult> {
    if (this.db.isTransaction) this.wrote = true;
    this.cache?.beginWrite();
    const before = this.cache?.generation;
    let result: PositionSaveResult | undefined;
    try {
      result = await this.write(position, expectedVersion);
      return result;
    } finally {
      // Another save started while this one was in flight: its row may be the newer one, so keep neither.
      const alone = this.cache?.generation === before;
      this.cache?.endWrite();
      if (this.cache && result?.ok && alone) {
        // The row as a read would give it back (the stored strings, the new version).
        const row = Object.freeze(rowToPosition({ ...positionToValues(position), version: result.version }));
        if (this.db.isTransaction) this.written.set(position.symbol, { row, generation: this.cache.generation });
        else this.cache.keep(position.symbol, row, this.cache.generation);
      }
    }
  }

  /**
   * Called by the unit of work after its transaction committed: the rows it wrote go into the
   * cache, each only if no other write started since (the generation is still the one it left).
   */
  committed(): void {
    for (const [symbol, { row, generation }] of this.written) this.cache?.keep(symbol, row, generation);
    this.written.clear();
  }

  private async write(position: PositionRecord, expectedVersion?: number): Promise<PositionSaveResult> {
    const values = { bot_id: this.botId, ...positionToValues(position) };
    const conflict = (): PositionSaveResult => ({
      ok: false,
      code: 'POSITION.VERSION_CONFLICT',
      message: `position ${position.symbol} is no longer at version ${String(expectedVersion)}`,
    });

    // Compiled once each (QueryTemplates): the settlement and the exits save a position per fill
    // and per trailing-stop move.
    if (expectedVersion === 0) {
      const [row] = await this.templates.run(this.db, 'positions.insertNew', values, (v) =>
        this.db
          .insertInto('positions')
          .values({ ...v, version: 1 })
          .onConflict((oc) => oc.columns(['bot_id', 'symbol']).doNothing())
          .returning('version'),
      );
      return row ? { ok: true, version: row.version } : conflict();
    }
    if (expectedVersion !== undefined) {
      const [row] = await this.templates.run(this.db, 'positions.updateAtVersion', { ...values, expected: expectedVersion, next: expectedVersion + 1 }, (v) => {
        const { bot_id, symbol, expected, next, ...changes } = v;
        return this.db
          .updateTable('positions')
          .set({ ...changes, version: next })
          .where('bot_id', '=', bot_id)
          .where('symbol', '=', symbol)
          .where('version', '=', expected)
          .returning('version');
      });
      return row ? { ok: true, version: row.version } : conflict();
    }
    const [row] = await this.templates.run(this.db, 'positions.upsert', values, (v) =>
      this.db
        .insertInto('positions')
        .values({ ...v, version: 1 })
        .onConflict((oc) =>
          oc.columns(['bot_id', 'symbol']).doUpdateSet((eb) => ({
            base_qty: eb.ref('excluded.base_qty'),
            avg_entry: eb.ref('excluded.avg_entry'),
            realized_pnl: eb.ref('excluded.realized_pnl'),
            fees_quote: eb.ref('excluded.fees_quote'),
            peak_price: eb.ref('excluded.peak_price'),
            stop_price: eb.ref('excluded.stop_price'),
            trailing_stop_price: eb.ref('excluded.trailing_stop_price'),
            trailing_active: eb.ref('excluded.trailing_active'),
            opened_at: eb.ref('excluded.opened_at'),
            updated_at: eb.ref('excluded.updated_at'),
            version: sql<number>`positions.version + 1`,
          })),
        )
        .returning('version'),
    );
    if (!row) throw new Error(`upsert of position ${position.symbol} returned no row`);
    return { ok: true, version: row.version };
  }
}
