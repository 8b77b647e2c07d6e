/**
 * The audit trail: every decision the bot takes and why. Each entry is a fact; nothing is updated
 * or deleted. `data` is JSON-safe and carries amounts as decimal strings, e.g. for a risk verdict
 * `{ ok: false, reasons: ['RISK.DAILY_LOSS'], limits: { dailyLossQuote: '50' } }`.
 */
export type AuditKind = 'signal' | 'risk' | 'order' | 'exit' | 'reconcile' | 'safety' | 'system';

export type AuditValue = string | number | boolean | null | AuditValue[] | { [key: string]: AuditValue };

export interface AuditEntry {
  ts: number;
  kind: AuditKind;
  symbol: string | null;
  correlationId: string | null;
  /** One line a human can read in a log or dashboard. */
  summary: string;
  data: { [key: string]: AuditValue };
}

export interface AuditRecord extends AuditEntry {
  id: number;
}

export interface AuditQuery {
  kind?: AuditKind;
  symbol?: string;
  correlationId?: string;
  since?: number;
  /** Newest first; default 100. */
  limit?: number;
}

export interface AuditLog {
  record(entry: AuditEntry): Promise<number>;
  /** Several entries, in order, in one write (one statement: all or none). */
  recordAll(entries: readonly AuditEntry[]): Promise<void>;
  find(query?: AuditQuery): Promise<AuditRecord[]>;
}
