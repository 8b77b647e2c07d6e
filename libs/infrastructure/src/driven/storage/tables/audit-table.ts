import type { AuditEntry, AuditKind, AuditLog, AuditQuery, AuditRecord } from '@cab/application';
import type { Insertable, Selectable } from 'kysely';
import type { AuditTable } from '../schema';
import { QueryTemplates } from './query-templates';
import { clampLimit, DEFAULT_BOT_ID, type Db } from './support';

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

function toRow(entry: AuditEntry, botId: string): AuditRow {
  return {
    bot_id: botId,
    ts: entry.ts,
    kind: entry.kind,
    symbol: entry.symbol,
    correlation_id: entry.correlationId,
    summary: entry.summary,
    data: JSON.stringify(entry.data),
  };
}

/** Append-only: entries are never updated or deleted by the bot. */
export class SqlAuditLog implements AuditLog {
  constructor(
    private readonly db: Db,
    private readonly templates: QueryTemplates = new QueryTemplates(),
    private readonly botId: string = DEFAULT_BOT_ID,
  ) {}

  // About ten entries per trade: compiled once (see QueryTemplates), not per call.
  async record(entry: AuditEntry): Promise<number> {
    const [row] = await this.templates.run(this.db, 'audit.insert', toRow(entry, this.botId), (v) => this.db.insertInto('audit').values(v).returning('id'));
    if (!row) throw new Error('audit insert returned no id');
    return row.id;
  }

  // A step's entries (signal, risk verdict, order) as one multi-row INSERT: one statement, and
  // outside a transaction one commit.
  async recordAll(entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.templates.runRows(
      this.db,
      'audit.insert',
      entries.map((e) => toRow(e, this.botId)),
      (rows) => this.db.insertInto('audit').values(rows),
    );
  }

  async find(query: AuditQuery = {}): Promise<AuditRecord[]> {
    let q = this.db.selectFrom('audit').selectAll().where('bot_id', '=', this.botId);
    if (query.kind !== undefined) q = q.where('kind', '=', query.kind);
    if (query.symbol !== undefined) q = q.where('symbol', '=', query.symbol);
    if (query.correlationId !== undefined) q = q.where('correlation_id', '=', query.correlationId);
    if (query.since !== undefined) q = q.where('ts', '>=', query.since);
    const rows = await q.orderBy('ts', 'desc').orderBy('id', 'desc').limit(clampLimit(query.limit)).execute();
    return rows.map(rowToAudit);
  }
}
