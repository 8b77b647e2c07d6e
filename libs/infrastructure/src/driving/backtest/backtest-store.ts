import { rmSync } from 'node:fs';
import type { CoreCommand, FillRecord, OrderRecord, PositionRecord } from '@cab/application';
import type { Clock } from '@cab/domain';
import { openSqliteStorage } from '../../driven/storage/sqlite-storage';

export interface BacktestStoreCounts {
  orders: number;
  fills: number;
  positions: number;
}

/**
 * What a backtest's core would have written to the store (docs/core.md, "Drivers"), kept in memory
 * while it runs and written once at the end, if asked (`cab backtest --save`): the SyncDriver hands
 * it each PlaceOrder's row (live writes it ahead) and each Persist (an order's new state, its fills,
 * the position). `writeTo` puts the last version of each order, every fill and each symbol's last
 * position into a new SQLite file in one unit of work: a store like a bot's (DB_PATH=that file:
 * `cab performance --date DAY` reads a day of it).
 */
export class BacktestStore {
  private readonly orders = new Map<string, OrderRecord>();
  private readonly fills: FillRecord[] = [];
  private readonly positions = new Map<string, PositionRecord>();

  /** The SyncDriver's sink. */
  readonly take = (c: CoreCommand): void => {
    if (c.kind === 'place-order') this.orders.set(c.order.clientOrderId, c.order);
    else if (c.kind === 'persist') {
      if (c.order) this.orders.set(c.order.clientOrderId, c.order);
      if (c.fills) for (const f of c.fills) this.fills.push(f);
      if (c.position) this.positions.set(c.position.symbol, c.position);
    }
  };

  counts(): BacktestStoreCounts {
    return { orders: this.orders.size, fills: this.fills.length, positions: this.positions.size };
  }

  /** Writes a new store at `dbPath` (a file there before, with its -wal and -shm, is replaced): one unit of work, the schema migrated. */
  async writeTo(dbPath: string, clock: Clock): Promise<BacktestStoreCounts> {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbPath}${suffix}`, { force: true });
    const store = openSqliteStorage({ path: dbPath, clock });
    try {
      await store.unitOfWork.run(async (tx) => {
        for (const o of this.orders.values()) {
          const r = await tx.orders.insert(o);
          if (!r.ok) throw new Error(`backtest order ${o.clientOrderId} could not be stored: ${r.code}`);
        }
        if (this.fills.length > 0) await tx.fills.insertMany(this.fills);
        for (const p of this.positions.values()) await tx.positions.save(p);
      });
    } finally {
      await store.close();
    }
    return this.counts();
  }
}
