import type { PaperBalances, PaperLedgerStore } from '@cab/application';
import { dec, str, type Clock } from '@cab/domain';
import { QueryTemplates } from './query-templates';
import { inTransaction, type Db } from './support';

/** The paper broker's account in the paper_balances table: one row per currency. */
export class SqlPaperLedgerStore implements PaperLedgerStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly templates: QueryTemplates = new QueryTemplates(),
  ) {}

  async load(): Promise<PaperBalances | null> {
    const rows = await this.db.selectFrom('paper_balances').selectAll().orderBy('currency').execute();
    if (rows.length === 0) return null;
    const out: PaperBalances = {};
    for (const r of rows) out[r.currency] = { free: str(dec(r.free)), used: str(dec(r.used)) };
    return out;
  }

  /** Replaces every row in one transaction: a crash never leaves half an account. */
  async save(balances: PaperBalances): Promise<void> {
    // Validate before touching the table: a bad amount is a bug in the caller.
    const rows = Object.entries(balances).map(([currency, b]) => ({
      currency,
      free: str(dec(b.free)),
      used: str(dec(b.used)),
      updated_at: this.clock.now(),
    }));
    // Compiled once per row count (the paper broker saves after every fill).
    return inTransaction(this.db, async (trx) => {
      await this.templates.run(trx, 'paper.clear', {}, () => trx.deleteFrom('paper_balances'));
      if (rows.length > 0) await this.templates.runRows(trx, 'paper.insert', rows, (values) => trx.insertInto('paper_balances').values(values));
    });
  }
}
