import { Client } from 'pg';
import { createTestPostgresDatabase } from './postgres-database';

describe('the test run’s throwaway Postgres', () => {
  it('gives each spec an empty database of its own, and drops it', async () => {
    const a = await createTestPostgresDatabase();
    const b = await createTestPostgresDatabase();
    expect(a.name).not.toBe(b.name);
    const c = new Client({ connectionString: a.url });
    await c.connect();
    await c.query('CREATE TABLE t (v NUMERIC)');
    await c.query("INSERT INTO t VALUES ('0.1000000000000000055511151231257827')");
    // NUMERIC comes back as the exact decimal text, never a float.
    expect((await c.query('SELECT v FROM t')).rows[0].v).toBe('0.1000000000000000055511151231257827');
    await c.end();
    const other = new Client({ connectionString: b.url });
    await other.connect();
    expect((await other.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 't'")).rows[0].n).toBe(0);
    await other.end();
    await a.drop();
    await b.drop();
    const again = new Client({ connectionString: a.url });
    await expect(again.connect()).rejects.toThrow(/does not exist/);
  });
});
