/*
 * Benchmark: one trade = order insert + 2 fills (deduplicated by trade id) + position upsert +
 * order update, in ONE unit of work, through the real repositories on a file database (WAL).
 * Prints transactions per second for synchronous=NORMAL (the target: >= 20,000/s) and
 * for FULL (the default the bot runs with), plus the same SQL through raw better-sqlite3 prepared
 * statements (no kysely, no mappers, no decimals) as this machine's ceiling for that work, and
 * the load average, because the figures mean little on a busy machine. Prints; never fails.
 *
 *   npx nx run infrastructure:bench            (or: tsx libs/infrastructure/bench/storage.bench.ts [count])
 */
import { dec, ZERO } from '@cab/domain';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../src/driven/time/system-time';
import { openSqliteStorage } from '../src/driven/storage/sqlite-storage';
import { openSqlite, type SynchronousMode } from '../src/driven/storage/sqlite/connection';
import { locateMigrationsDir } from '../src/driven/storage/migrations/files';
import { migrate } from '../src/driven/storage/migrations/runner';
import { aFill, anOrder, aPosition } from '../test/storage/fixtures';

async function run(synchronous: SynchronousMode, count: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'cab-bench-'));
  const clock = systemClock;
  const storage = openSqliteStorage({ path: join(dir, 'bench.db'), clock, synchronous });
  try {
    const amount = dec('0.0005');
    const trade = async (i: number): Promise<void> => {
      const id = `b-${i}`;
      await storage.unitOfWork.run(async (tx) => {
        const now = clock.now();
        await tx.orders.insert(anOrder({ clientOrderId: id, status: 'submitted', createdAt: now, updatedAt: now }));
        const { inserted } = await tx.fills.insertMany([
          aFill({ tradeId: `${id}-1`, clientOrderId: id, exchangeOrderId: `x-${id}`, amount, ts: now }),
          aFill({ tradeId: `${id}-2`, clientOrderId: id, exchangeOrderId: `x-${id}`, amount, ts: now }),
        ]);
        const filled = inserted.reduce((acc, f) => acc.plus(f.amount), ZERO);
        await tx.orders.update(id, { status: 'filled', exchangeOrderId: `x-${id}`, filledBase: filled, updatedAt: now });
        const pos = (await tx.positions.get('BTC/USDT')) ?? aPosition();
        await tx.positions.save({ ...pos, baseQty: pos.baseQty.plus(filled), updatedAt: now });
      });
    };
    for (let i = 0; i < Math.min(2000, count); i++) await trade(-1 - i); // warm-up: JIT and statement cache
    const started = process.hrtime.bigint();
    for (let i = 0; i < count; i++) await trade(i);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return count / seconds;
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same statements with better-sqlite3 directly: what SQLite itself costs on this machine. */
function rawCeiling(count: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'cab-bench-raw-'));
  const clock = systemClock;
  const conn = openSqlite({ path: join(dir, 'raw.db'), synchronous: 'NORMAL' });
  try {
    migrate(conn.raw, { dir: locateMigrationsDir(), clock });
    const db = conn.raw;
    const insOrder = db.prepare(
      "INSERT INTO orders (bot_id, client_order_id, exchange, symbol, side, type, requested_quote, status, reason, created_at, updated_at) VALUES ('default', ?, 'paper', 'BTC/USDT', 'buy', 'market', '100', 'submitted', 'bench', ?, ?) ON CONFLICT DO NOTHING RETURNING client_order_id",
    );
    const insFill = db.prepare(
      "INSERT INTO fills (bot_id, exchange, trade_id, client_order_id, exchange_order_id, symbol, side, price, amount, cost, fee, fee_currency, ts) VALUES ('default', 'paper', ?, ?, ?, 'BTC/USDT', 'buy', '50000.1', '0.0005', '25.00005', '0.000001', 'BTC', ?), ('default', 'paper', ?, ?, ?, 'BTC/USDT', 'buy', '50000.1', '0.0005', '25.00005', '0.000001', 'BTC', ?) ON CONFLICT (bot_id, exchange, trade_id) DO NOTHING RETURNING exchange, trade_id",
    );
    const updOrder = db.prepare(
      "UPDATE orders SET status = 'filled', exchange_order_id = ?, filled_base = '0.001', updated_at = ? WHERE bot_id = 'default' AND client_order_id = ? RETURNING *",
    );
    const getPos = db.prepare("SELECT * FROM positions WHERE bot_id = 'default' AND symbol = 'BTC/USDT'");
    const upsertPos = db.prepare(
      "INSERT INTO positions (bot_id, symbol, base_qty, avg_entry, realized_pnl, updated_at, version) VALUES ('default', 'BTC/USDT', ?, '0', '0', ?, 1) ON CONFLICT (bot_id, symbol) DO UPDATE SET base_qty = excluded.base_qty, updated_at = excluded.updated_at, version = positions.version + 1 RETURNING version",
    );
    const trade = db.transaction((i: number) => {
      const id = `r-${i}`;
      const now = clock.now();
      insOrder.all(id, now, now);
      insFill.all(`${id}-1`, id, `x-${id}`, now, `${id}-2`, id, `x-${id}`, now);
      updOrder.all(`x-${id}`, now, id);
      getPos.get();
      upsertPos.all(String(i), now);
    });
    for (let i = 0; i < Math.min(2000, count); i++) trade(-1 - i);
    const started = process.hrtime.bigint();
    for (let i = 0; i < count; i++) trade(i);
    return count / (Number(process.hrtime.bigint() - started) / 1e9);
  } finally {
    conn.raw.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (x: number): string => Math.round(x).toLocaleString('en-US').padStart(7);

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 20_000);
  console.log(`storage benchmark: order + 2 fills + order update + position upsert per transaction, WAL, file DB in ${tmpdir()}`);
  console.log(
    `  ${cpus().length} cores, load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} (other work on the machine slows every figure)`,
  );
  const normal = await run('NORMAL', count);
  console.log(`  repositories + unit of work, synchronous=NORMAL: ${fmt(normal)} transactions/s over ${count} (target >= 20,000)`);
  const fullCount = Math.min(count, 2000);
  const full = await run('FULL', fullCount);
  console.log(`  repositories + unit of work, synchronous=FULL:   ${fmt(full)} transactions/s over ${fullCount} (the default: an fsync per commit)`);
  const raw = rawCeiling(count);
  console.log(`  same SQL, raw better-sqlite3, synchronous=NORMAL: ${fmt(raw)} transactions/s over ${count} (ceiling without kysely and mappers)`);
}

main().catch((e: unknown) => {
  console.error(e);
  // A benchmark reports; it never fails CI.
});
