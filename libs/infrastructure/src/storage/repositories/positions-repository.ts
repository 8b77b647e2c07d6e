import type { PositionRecord, PositionSaveResult, PositionsRepository } from '@cab/application';
import { dec, str } from '@cab/domain';
import { sql, type Selectable } from 'kysely';
import type { PositionsTable } from '../schema';
import { QueryTemplates } from './query-templates';
import { decOrNull, strOrNull, type Db } from './support';

type PositionValues = Omit<PositionsTable, 'version'>;

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

export function rowToPosition(r: Selectable<PositionsTable>): PositionRecord {
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

export class SqlPositionsRepository implements PositionsRepository {
  constructor(
    private readonly db: Db,
    private readonly templates: QueryTemplates = new QueryTemplates(),
  ) {}

  async get(symbol: string): Promise<PositionRecord | null> {
    const [row] = await this.templates.run(this.db, 'positions.get', { symbol }, (p) =>
      this.db.selectFrom('positions').selectAll().where('symbol', '=', p.symbol),
    );
    return row ? rowToPosition(row) : null;
  }

  async all(): Promise<PositionRecord[]> {
    const rows = await this.db.selectFrom('positions').selectAll().orderBy('symbol').execute();
    return rows.map(rowToPosition);
  }

  async save(position: PositionRecord, expectedVersion?: number): Promise<PositionSaveResult> {
    const values = positionToValues(position);
    const conflict = (): PositionSaveResult => ({
      ok: false,
      code: 'POSITION.VERSION_CONFLICT',
      message: `position ${position.symbol} is no longer at version ${String(expectedVersion)}`,
    });

    if (expectedVersion === 0) {
      const row = await this.db
        .insertInto('positions')
        .values({ ...values, version: 1 })
        .onConflict((oc) => oc.column('symbol').doNothing())
        .returning('version')
        .executeTakeFirst();
      return row ? { ok: true, version: row.version } : conflict();
    }
    if (expectedVersion !== undefined) {
      const { symbol: _symbol, ...changes } = values;
      const row = await this.db
        .updateTable('positions')
        .set({ ...changes, version: expectedVersion + 1 })
        .where('symbol', '=', position.symbol)
        .where('version', '=', expectedVersion)
        .returning('version')
        .executeTakeFirst();
      return row ? { ok: true, version: row.version } : conflict();
    }
    const [row] = await this.templates.run(this.db, 'positions.upsert', values, (v) =>
      this.db
        .insertInto('positions')
        .values({ ...v, version: 1 })
        .onConflict((oc) =>
          oc.column('symbol').doUpdateSet((eb) => ({
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
