import Database from 'better-sqlite3';
import { str } from '@cab/domain';
import { FakeClock } from '@cab/domain/testing';
import { tempDir } from '@cab/infrastructure/testing';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openSqliteStorage } from '../sqlite-storage';
import { applyPragmas } from '../sqlite/connection';
import { locateMigrationsDir, readMigrationFiles } from './files';
import { migrate } from './runner';

/** One row in every table, written as a V0005 bot did (no bot_id anywhere). */
const V0005_ROWS = `
INSERT INTO orders (client_order_id, exchange, exchange_order_id, symbol, side, type, requested_quote, status, filled_base, filled_quote, fee, created_at, updated_at)
  VALUES ('cab-1', 'gate', 'x-1', 'BTC/USDT', 'buy', 'market', '25.000000000000000001', 'filled', '0.0005', '25', '0.000001', 10, 11);
INSERT INTO fills (exchange, trade_id, client_order_id, exchange_order_id, symbol, side, price, amount, cost, fee, fee_currency, ts)
  VALUES ('gate', 't-1', 'cab-1', 'x-1', 'BTC/USDT', 'buy', '50000', '0.0005', '25', '0.000001', 'BTC', 12);
INSERT INTO positions (symbol, base_qty, avg_entry, realized_pnl, updated_at, version) VALUES ('BTC/USDT', '0.000499', '50000', '0', 13, 4);
INSERT INTO idempotency_keys (key, ref, created_at, expires_at) VALUES ('k-1', 'cab-1', 1, 9999999999999);
INSERT INTO audit (ts, kind, symbol, correlation_id, summary, data) VALUES (14, 'order', 'BTC/USDT', 'c-1', 'sent', '{"q":"25"}');
INSERT INTO dlq (ts, topic, subscriber, payload, error, attempts) VALUES (15, 'order.filled', 'telegram', '{}', 'boom', 2);
INSERT INTO paper_balances (currency, free, used, updated_at) VALUES ('USDT', '975', '0', 16);
INSERT INTO paper_orders (id, client_order_id, symbol, side, type, status, filled_base, filled_quote, fee, fills, created_at, updated_at)
  VALUES ('p-1', 'cab-1', 'BTC/USDT', 'buy', 'market', 'open', '0', '0', '0', '[]', 17, 17);
INSERT INTO halts (code, level, reason, since) VALUES ('OPERATOR', 'halted', 'paused', 18);
INSERT INTO trade_cursors (symbol, trades_since, unread_since) VALUES ('BTC/USDT', 19, NULL);
`;

describe('V0006 (bot_id) on a file written before it', () => {
  it("keeps every row, now the 'default' bot's: the bot reads them all back, another BOT_ID sees none", async () => {
    const tmp = tempDir('cab-v6-');
    const clock = new FakeClock(1_000);
    try {
      const dir = join(tmp.dir, 'm5');
      mkdirSync(dir);
      const all = readMigrationFiles(locateMigrationsDir());
      for (const f of all.filter((x) => x.version <= 5)) copyFileSync(join(locateMigrationsDir(), f.fileName), join(dir, f.fileName));
      const path = join(tmp.dir, 'old.db');
      const raw = new Database(path);
      applyPragmas(raw, {});
      migrate(raw, { dir, clock });
      raw.exec(V0005_ROWS);
      raw.close();

      const s = openSqliteStorage({ path, clock });
      try {
        expect(s.migrations.applied.map((m) => m.version)).toEqual(all.filter((x) => x.version > 5).map((x) => x.version));
        expect(s.connection.raw.pragma('foreign_key_check')).toEqual([]);
        const order = await s.orders.byExchangeOrderId('gate', 'x-1');
        expect([order?.clientOrderId, str(order!.requestedQuote!)]).toEqual(['cab-1', '25.000000000000000001']);
        expect((await s.fills.byOrder('cab-1')).map((f) => f.tradeId)).toEqual(['t-1']);
        expect((await s.positions.get('BTC/USDT'))?.version).toBe(4);
        expect((await s.idempotency.get('k-1'))?.ref).toBe('cab-1');
        expect((await s.audit.find()).map((a) => a.data)).toEqual([{ q: '25' }]);
        expect(await s.dlq.count()).toBe(1);
        expect(await s.paperLedger.load()).toEqual({ USDT: { free: '975', used: '0' } });
        expect((await s.paperLedger.loadOrders(0)).map((o) => o.id)).toEqual(['p-1']);
        expect((await s.safety.halts()).map((h) => h.reason)).toEqual(['paused']);
        expect(await s.safety.tradeCursors()).toEqual([{ symbol: 'BTC/USDT', tradesSince: 19, unreadSince: null }]);
        // The rebuilt keys still hold: the same venue order id once per bot, a fill needs its order.
        expect((await s.orders.insert({ ...order!, clientOrderId: 'cab-2' })).ok).toBe(false);
      } finally {
        await s.close();
      }
      const other = openSqliteStorage({ path, clock, botId: 'someone-else' });
      try {
        expect([await other.orders.find(), await other.positions.all(), await other.safety.halts(), await other.paperLedger.load()]).toEqual([
          [],
          [],
          [],
          null,
        ]);
      } finally {
        await other.close();
      }
    } finally {
      tmp.cleanup();
    }
  });
});
