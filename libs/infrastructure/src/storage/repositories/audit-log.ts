import type { AuditEntry, AuditKind, AuditLog, AuditQuery, AuditRecord } from '@cab/application';
import type { Insertable, Selectable } from 'kysely';
import type { AuditTable } from '../schema';
import { QueryTemplates } from './query-templates';
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

type AuditRow = Omit<Insertable<AuditTable>, 'id'>;

function toRow(entry: AuditEntry): AuditRow {
  return { ts: entry.ts, kind: entry.kind, symbol: entry.symbol, correlation_id: entry.correlationId, summary: entry.summary, data: JSON.stringify(entry.data) };
}

function rowAt(p: Record<string, unknown>, i: number): AuditRow {
  return {
    ts: p[`ts${i}`] as number,
    kind: p[`kind${i}`] as string,
    symbol: p[`symbol${i}`] as string | null,
    correlation_id: p[`correlation_id${i}`] as string | null,
    summary: p[`summary${i}`] as string,
    data: p[`data${i}`] as string,
  };
}

/** Append-only: entries are never updated or deleted by the bot. */
export class SqlAuditLog implements AuditLog {
  constructor(
    private readonly db: Db,
    private readonly templates: QueryTemplates = new QueryTemplates(),
  ) {}

  // About ten entries per trade: compiled once (see QueryTemplates), not per call.
  async record(entry: AuditEntry): Promise<number> {
    const [row] = await this.templates.run(this.db, 'audit.insert', toRow(entry), (v) => this.db.insertInto('audit').values(v).returning('id'));
    if (!row) throw new Error('audit insert returned no id');
    return row.id;
  }

  // A step's entries (signal, risk verdict, order) as one multi-row INSERT: one statement, and
  // outside a transaction one commit. Compiled once per row count.
  async recordAll(entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    if (entries.length === 1) {
      await this.record(entries[0] as AuditEntry);
      return;
    }
    const params: Record<string, unknown> = {};
    entries.forEach((e, i) => {
      for (const [k, v] of Object.entries(toRow(e))) params[`${k}${i}`] = v;
    });
    await this.templates.run(this.db, `audit.insert:${entries.length}`, params, (p) =>
      this.db.insertInto('audit').values(entries.map((_, i) => rowAt(p, i))),
    );
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
