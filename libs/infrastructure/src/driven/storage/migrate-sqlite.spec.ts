import Database from 'better-sqlite3';
import { dec } from '@cab/domain';
import { FakeClock } from '@cab/domain/testing';
import { openTempPostgresStorage, openTempStorage, tempDir } from '@cab/infrastructure/testing';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { aFill, anOrder, aPosition } from '../../../test/storage/fixtures';
import { applyPragmas } from './sqlite/connection';
import { locateMigrationsDir, readMigrationFiles } from './migrations/files';
import { migrate } from './migrations/runner';
import { migrateSqliteToPostgres } from './migrate-sqlite';
import { openPostgresStorage } from './postgres-storage';
import type { StorageUnderTest } from './storage.contract';

jest.setTimeout(60_000);

/** A bot's history through every port, amounts with more digits than a double holds. */
async function writeHistory(s: StorageUnderTest, clock: FakeClock): Promise<void> {
  await s.orders.insert(anOrder({ clientOrderId: 'cab-1', exchangeOrderId: 'x-1', status: 'filled', requestedQuote: dec('100.123456789012345678901') }));
  await s.orders.insert(anOrder({ clientOrderId: 'cab-2', status: 'submitted', createdAt: 1_700_000_000_500 }));
  await s.fills.insertMany([aFill({ tradeId: 't-1', price: dec('50000.000000000000000001') }), aFill({ tradeId: 't-2', amount: dec('0.00000001') })]);
  await s.positions.save(aPosition({ baseQty: dec('0.00100001'), avgEntry: dec('50000.1'), realizedPnl: dec('-0.3'), stopPrice: dec('49000') }));
  await s.idempotency.reserve('k-1', 600_000, 'cab-2');
  await s.safety.saveHalt({ code: 'OPERATOR', level: 'halted', reason: 'paused', since: 5 });
  await s.safety.saveTradeCursor({ symbol: 'BTC/USDT', tradesSince: 1_700_000_000_000, unreadSince: null });
  await s.audit.recordAll([
    { ts: clock.now(), kind: 'signal', symbol: 'BTC/USDT', correlationId: 'c-1', summary: 'buy', data: { price: '50000.1' } },
    { ts: clock.now(), kind: 'signal', symbol: 'BTC/USDT', correlationId: 'c-1', summary: 'buy', data: { price: '50000.1' } },
    { ts: clock.now() + 1, kind: 'order', symbol: 'BTC/USDT', correlationId: 'c-1', summary: 'sent', data: {} },
  ]);
  await s.dlq.push({ ts: 1, topic: 'order.filled', subscriber: 'telegram', payload: '{"a":"1.5"}', error: 'boom', attempts: 2 });
  await s.paperLedger.save(
    { USDT: { free: '899.876543210987654321', used: '0' }, BTC: { free: '0.002', used: '0' } },
    {
      orders: [
        {
          id: 'p-1',
          clientOrderId: 'cab-1',
          symbol: 'BTC/USDT',
          side: 'buy',
          type: 'market',
          status: 'closed',
          price: null,
          requestedQuote: '100.01',
          requestedBase: null,
          filledBase: '0.002',
          filledQuote: '100.01',
          averagePrice: '50005',
          fee: '0.000004',
          feeCurrency: 'BTC',
          createdAt: 1,
          updatedAt: clock.now(),
          fills: [{ id: 'f-1', ts: 1, price: '50005', amount: '0.002', cost: '100.01', fee: '0.000004', feeCurrency: 'BTC' }],
        },
      ],
    },
  );
  await s.candles.upsert({ exchange: 'gate', symbol: 'BTC/USDT', timeframe: '1m' }, [{ ts: 0, open: 0.1 + 0.2, high: 1, low: 0, close: 1e-7, volume: 5 }]);
}

/** Everything a bot reads back, as plain comparable values. */
async function snapshot(s: StorageUnderTest) {
  return {
    orders: await s.orders.find({ limit: 1000 }),
    fills: await s.fills.bySymbol('BTC/USDT'),
    positions: await s.positions.all(),
    key: await s.idempotency.get('k-1'),
    halts: await s.safety.halts(),
    cursors: await s.safety.tradeCursors(),
    audit: (await s.audit.find({ limit: 1000 })).map(({ id: _id, ...e }) => e),
    dlq: (await s.dlq.list()).map(({ id: _id, ...d }) => d),
    balances: await s.paperLedger.load(),
    paperOrders: await s.paperLedger.loadOrders(0),
    candles: await s.candles.latest({ exchange: 'gate', symbol: 'BTC/USDT', timeframe: '1m' }, 10),
  };
}

describe('cab data migrate-sqlite: a bot’s SQLite history into Postgres under its BOT_ID', () => {
  const clock = new FakeClock(1_700_000_000_000);

  it('copies every table exactly, adds nothing on a re-run, and leaves the other bots of the database alone', async () => {
    const lite = openTempStorage(clock);
    const pg = await openTempPostgresStorage(clock, { botId: 'desk-7' });
    const other = await openPostgresStorage({ url: pg.database.url, clock, botId: 'desk-8' });
    try {
      await writeHistory(lite, clock);
      await other.orders.insert(anOrder({ clientOrderId: 'cab-1', reason: 'desk-8 own order' }));
      const first = await migrateSqliteToPostgres(lite.dbPath, pg);
      expect(first.botId).toBe('desk-7');
      const copied = Object.fromEntries(first.tables.map((t) => [t.table, [t.read, t.inserted]]));
      expect(copied).toEqual({
        orders: [2, 2],
        fills: [2, 2],
        positions: [1, 1],
        idempotency_keys: [1, 1],
        halts: [1, 1],
        trade_cursors: [1, 1],
        paper_balances: [2, 2],
        paper_orders: [1, 1],
        audit: [3, 3],
        dlq: [1, 1],
        market_data: [1, 1],
      });
      expect(await snapshot(pg)).toEqual(await snapshot(lite));

      const again = await migrateSqliteToPostgres(lite.dbPath, pg);
      expect(again.tables.map((t) => t.inserted)).toEqual(again.tables.map(() => 0));
      expect(await snapshot(pg)).toEqual(await snapshot(lite));

      // New history on SQLite since the first copy: only that comes over.
      await lite.audit.record({ ts: clock.now() + 5, kind: 'exit', symbol: 'BTC/USDT', correlationId: 'c-2', summary: 'stop', data: {} });
      await lite.orders.insert(anOrder({ clientOrderId: 'cab-3' }));
      const third = await migrateSqliteToPostgres(lite.dbPath, pg);
      expect(third.tables.filter((t) => t.inserted > 0).map((t) => [t.table, t.inserted])).toEqual([
        ['orders', 1],
        ['audit', 1],
      ]);
      expect(await snapshot(pg)).toEqual(await snapshot(lite));
      expect((await other.orders.find()).map((o) => o.reason)).toEqual(['desk-8 own order']);
    } finally {
      await other.close();
      await pg.dispose();
      await lite.dispose();
    }
  });

  it('reads a file written before BOT_ID existed (schema V0005) without changing it', async () => {
    const tmp = tempDir('cab-old-');
    const pg = await openTempPostgresStorage(clock, { botId: 'old-bot' });
    try {
      const dir = join(tmp.dir, 'm5');
      mkdirSync(dir);
      for (const f of readMigrationFiles(locateMigrationsDir()).filter((f) => f.version <= 5))
        copyFileSync(join(locateMigrationsDir(), f.fileName), join(dir, f.fileName));
      const file = join(tmp.dir, 'old.db');
      const db = new Database(file);
      applyPragmas(db, {});
      migrate(db, { dir, clock });
      db.prepare(
        "INSERT INTO orders (client_order_id, exchange, symbol, side, type, status, filled_base, created_at, updated_at) VALUES ('old-1', 'paper', 'BTC/USDT', 'buy', 'market', 'filled', '0.12345678901234567890', 1, 2)",
      ).run();
      db.prepare("INSERT INTO halts (code, level, reason, since) VALUES ('OPERATOR', 'halted', 'old halt', 3)").run();
      db.close();

      const r = await migrateSqliteToPostgres(file, pg);
      expect(r.tables.filter((t) => t.inserted > 0).map((t) => t.table)).toEqual(['orders', 'halts']);
      const [order] = await pg.orders.find();
      expect([order?.clientOrderId, order?.filledBase.toFixed()]).toEqual(['old-1', '0.1234567890123456789']);
      expect(await pg.safety.halts()).toEqual([{ code: 'OPERATOR', level: 'halted', reason: 'old halt', since: 3 }]);
      const check = new Database(file, { readonly: true });
      expect(check.prepare('SELECT max(version) v FROM schema_migrations').get()).toEqual({ v: 5 });
      check.close();
    } finally {
      await pg.dispose();
      tmp.cleanup();
    }
  });

  it('refuses a file that is not a bot database, and copies nothing', async () => {
    const tmp = tempDir('cab-foreign-');
    const pg = await openTempPostgresStorage(clock);
    try {
      const file = join(tmp.dir, 'notes.db');
      const db = new Database(file);
      db.exec("CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('x')");
      db.close();
      await expect(migrateSqliteToPostgres(file, pg)).rejects.toThrow(/holds no crypto-ai-bot tables/);
      await expect(migrateSqliteToPostgres(join(tmp.dir, 'missing.db'), pg)).rejects.toThrow(/no SQLite database at/);
      expect(await pg.orders.find()).toEqual([]);
    } finally {
      await pg.dispose();
      tmp.cleanup();
    }
  });
});
