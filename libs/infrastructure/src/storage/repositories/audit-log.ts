import type { AuditEntry, AuditKind, AuditLog, AuditQuery, AuditRecord } from '@cab/application';
import type { Selectable } from 'kysely';
import type { AuditTable } from '../schema';
import { clampLimit, type Db } from './support';

const KINDS: ReadonlySet<string> = new Set<AuditKind>(['signal', 'risk', 'order', 'exit', 'reconcile', 'safety', 'system']);

function rowToAudit(r: Selectable<AuditTable>): AuditRecord {
  if (!KINDS.has(r.kind)) throw new Error(`stored audit kind is unknown: ${JSON.stringify(r.kind)}`);
  return {
    id: r.id,
    ts: r.ts,
    kind: r.kind as AuditKind,
    symbol: r.symbol,
    correlationId: r.correlation_id,
    summary: r.summary,
    data: JSON.parse(r.data) as AuditRecord['data'],
  };
}

/** Append-only: entries are never updated or deleted by the bot. */
export class SqlAuditLog implements AuditLog {
  constructor(private readonly db: Db) {}

  async record(entry: AuditEntry): Promise<number> {
    const row = await this.db
      .insertInto('audit')
      .values({
        ts: entry.ts,
        kind: entry.kind,
        symbol: entry.symbol,
        correlation_id: entry.correlationId,
        summary: entry.summary,
        data: JSON.stringify(entry.data),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async find(query: AuditQuery = {}): Promise<AuditRecord[]> {
    let q = this.db.selectFrom('audit').selectAll();
    if (query.kind !== undefined) q = q.where('kind', '=', query.kind);
    if (query.symbol !== undefined) q = q.where('symbol', '=', query.symbol);
    if (query.correlationId !== undefined) q = q.where('correlation_id', '=', query.correlationId);
    if (query.since !== undefined) q = q.where('ts', '>=', query.since);
    const rows = await q.orderBy('ts', 'desc').orderBy('id', 'desc').limit(clampLimit(query.limit)).execute();
    return rows.map(rowToAudit);
  }
}
