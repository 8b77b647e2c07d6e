import { FakeClock } from '@cab/domain/testing';
import { openTempStorage } from '@cab/infrastructure/testing';
import { sql } from 'kysely';
import { QueryTemplates } from './query-templates';

describe('QueryTemplates', () => {
  let s: ReturnType<typeof openTempStorage>;
  beforeEach(() => (s = openTempStorage(new FakeClock())));
  afterEach(() => s.dispose());

  it("compiles a shape once and runs it with each call's parameters", async () => {
    const t = new QueryTemplates();
    const db = s.connection.db;
    for (const [key, exp] of [
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ] as const) {
      await t.run(db, 'insert', { key, ref: null, now: 0, exp }, (p) =>
        db.insertInto('idempotency_keys').values({ bot_id: 'b', key: p.key, ref: p.ref, created_at: p.now, expires_at: p.exp }),
      );
    }
    const rows = await t.run(db, 'select', { min: 2 }, (p) =>
      db.selectFrom('idempotency_keys').select(['key', 'expires_at']).where('expires_at', '>=', p.min).orderBy('key'),
    );
    expect(rows).toEqual([
      { key: 'b', expires_at: 2 },
      { key: 'c', expires_at: 3 },
    ]);
    expect(t.size).toBe(2);
  });

  it('keeps constants that are not parameters', async () => {
    const t = new QueryTemplates();
    const db = s.connection.db;
    const run = (key: string) =>
      t.run(db, 'insert-const', { key }, (p) =>
        db.insertInto('idempotency_keys').values({ bot_id: 'b', key: p.key, ref: 'fixed', created_at: 5, expires_at: 9 }),
      );
    await run('x');
    await run('y');
    expect(await db.selectFrom('idempotency_keys').selectAll().orderBy('key').execute()).toEqual([
      { bot_id: 'b', key: 'x', ref: 'fixed', created_at: 5, expires_at: 9 },
      { bot_id: 'b', key: 'y', ref: 'fixed', created_at: 5, expires_at: 9 },
    ]);
  });

  it('refuses a template that drops or inlines a parameter (it would run with stale values)', async () => {
    const t = new QueryTemplates();
    const db = s.connection.db;
    await expect(t.run(db, 'drops', { key: 'a', unused: 1 }, (p) => db.selectFrom('idempotency_keys').selectAll().where('key', '=', p.key))).rejects.toThrow(
      /ignores parameters unused/,
    );
    await expect(t.run(db, 'inlines', { key: 'a' }, (p) => db.selectFrom('idempotency_keys').selectAll().where('key', '=', sql.lit(p.key)))).rejects.toThrow(
      /inlined a parameter/,
    );
  });

  it('compiles a multi-row statement once per row count', async () => {
    const t = new QueryTemplates();
    const db = s.connection.db;
    const insert = (keys: string[]) =>
      t.runRows(
        db,
        'keys',
        keys.map((key, i) => ({ bot_id: 'b', key, ref: null, created_at: i, expires_at: 10 + i })),
        (rows) => db.insertInto('idempotency_keys').values(rows),
      );
    await insert(['a', 'b']);
    await insert(['c', 'd']);
    await insert(['e']);
    expect(t.size).toBe(2);
    expect((await db.selectFrom('idempotency_keys').select(['key', 'expires_at']).orderBy('key').execute()).map((r) => `${r.key}${r.expires_at}`)).toEqual([
      'a10',
      'b11',
      'c10',
      'd11',
      'e10',
    ]);
  });
});
