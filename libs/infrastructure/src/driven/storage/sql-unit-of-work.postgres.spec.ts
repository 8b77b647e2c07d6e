import { FakeClock } from '@cab/domain/testing';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '@cab/infrastructure/testing';
import type { Pool } from 'pg';
import { assertWholeTradeRows, captureStderr, forkTs, killChildren, nextMessage, waitExit } from '../../../test/storage/fixtures';
import { locatePostgresMigrationsDir, migratePostgres } from './migrations/postgres-runner';
import { createPostgresPool } from './postgres/pool';

// unit-of-work.race.spec.ts and unit-of-work.crash.spec.ts on Postgres: real child processes on one
// database of the throwaway cluster.
jest.setTimeout(180_000);

const TIMES = 100;
const isReady = (m: unknown): m is { ready: true } => typeof m === 'object' && m !== null && 'ready' in m;
const isDone = (m: unknown): m is { done: number } => typeof m === 'object' && m !== null && 'done' in m;
const isInside = (m: unknown): m is { inside: true } => typeof m === 'object' && m !== null && 'inside' in m;
const committed =
  (n: number) =>
  (m: unknown): m is { committed: number } =>
    typeof m === 'object' && m !== null && 'committed' in m && (m as { committed: number }).committed >= n;

describe('units of work from several processes on one Postgres database', () => {
  let database: TestPostgresDatabase;
  let pool: Pool;
  beforeEach(async () => {
    database = await createTestPostgresDatabase('cab_uow');
    pool = createPostgresPool({ url: database.url, max: 2 });
    await migratePostgres(pool, { dir: locatePostgresMigrationsDir(), clock: new FakeClock() });
  });
  afterEach(async () => {
    await killChildren();
    await pool.end();
    await database.drop();
  });

  async function inspect(): Promise<{ orders: number; fills: number }> {
    const q = async <T>(text: string): Promise<T[]> => (await pool.query(text)).rows as T[];
    const pos = await q<{ base_qty: string }>("SELECT base_qty FROM positions WHERE symbol = 'BTC/USDT'");
    return assertWholeTradeRows({
      orders: await q('SELECT client_order_id, filled_base FROM orders'),
      fills: await q('SELECT client_order_id, amount FROM fills'),
      auditCorrelationIds: (await q<{ correlation_id: string }>('SELECT correlation_id FROM audit')).map((r) => r.correlation_id),
      positionBaseQty: pos[0]?.base_qty ?? null,
    });
  }

  it('read-modify-write from two processes queue on the bot lock: no update is lost', async () => {
    const children = [forkTs('incrementer.ts', [database.url, String(TIMES)]), forkTs('incrementer.ts', [database.url, String(TIMES)])];
    const stderr = children.map(captureStderr);
    await Promise.all(children.map((c, i) => nextMessage(c, isReady, stderr[i])));
    const done = children.map((c, i) => nextMessage(c, isDone, stderr[i]));
    for (const c of children) c.send('go');
    await Promise.all(done);
    const r = await pool.query("SELECT base_qty, version FROM positions WHERE symbol = 'BTC/USDT'");
    expect(r.rows).toEqual([{ base_qty: String(2 * TIMES), version: 2 * TIMES }]);
  });

  it('a writer killed (SIGKILL) inside a transaction leaves none of it, and the next writer goes on', async () => {
    const before = forkTs('writer.ts', [database.url, 'loop']);
    const errBefore = captureStderr(before);
    await nextMessage(before, committed(3), errBefore);
    before.kill('SIGKILL');
    await waitExit(before);
    const base = await inspect();
    expect(base.orders).toBeGreaterThanOrEqual(3);

    const child = forkTs('writer.ts', [database.url, 'hang']);
    const stderr = captureStderr(child);
    await nextMessage(child, isInside, stderr); // its order and fills are written, not committed
    child.kill('SIGKILL');
    expect((await waitExit(child)).signal).toBe('SIGKILL');
    // The server rolls the dead session's transaction back (and frees its lock) once it sees the socket close.
    const next = forkTs('writer.ts', [database.url, 'loop']);
    await nextMessage(next, committed(2), captureStderr(next));
    next.kill('SIGKILL');
    await waitExit(next);
    const after = await inspect();
    expect(after.orders).toBeGreaterThanOrEqual(base.orders + 2);
    const stray = await pool.query('SELECT count(*) AS n FROM orders WHERE client_order_id LIKE $1', [`w-${child.pid}-%`]);
    expect(stray.rows).toEqual([{ n: 0 }]);
  });
});
