import Database from 'better-sqlite3';
import { FakeClock } from '@cab/domain/testing';
import { createTestPostgresDatabase, tempDir, type TestPostgresDatabase } from '@cab/infrastructure/testing';
import { appendFileSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { createPostgresPool } from '../postgres/pool';
import { applyPragmas } from '../sqlite/connection';
import { locateMigrationsDir, readMigrationFiles } from './files';
import { locatePostgresMigrationsDir, migratePostgres, migrationStatusPostgres } from './postgres-runner';
import { migrate } from './runner';

jest.setTimeout(60_000);

const PG_DIR = locatePostgresMigrationsDir();
const ALL = readMigrationFiles(PG_DIR);

describe('migrations runner on Postgres (real server)', () => {
  let database: TestPostgresDatabase;
  let tmp: ReturnType<typeof tempDir>;
  const pools: Pool[] = [];
  const clock = new FakeClock(1_700_000_000_000);

  beforeEach(async () => {
    database = await createTestPostgresDatabase('cab_mig');
    tmp = tempDir('cab-pg-mig-');
  });
  afterEach(async () => {
    for (const p of pools.splice(0)) await p.end();
    await database.drop();
    tmp.cleanup();
  });

  function pool(): Pool {
    const p = createPostgresPool({ url: database.url, max: 2 });
    pools.push(p);
    return p;
  }

  /** A copy of the Postgres migrations folder the spec may tamper with. */
  function copyOfFolder(): string {
    const dir = join(tmp.dir, 'pg');
    mkdirSync(dir);
    for (const f of ALL) copyFileSync(join(PG_DIR, f.fileName), join(dir, f.fileName));
    return dir;
  }

  it('applies everything to an empty database with checksums, and a second run is a no-op', async () => {
    const p = pool();
    expect((await migrationStatusPostgres(p, { dir: PG_DIR })).pending.map((x) => x.version)).toEqual(ALL.map((f) => f.version));
    const first = await migratePostgres(p, { dir: PG_DIR, clock });
    expect(first.applied.map((m) => m.version)).toEqual(ALL.map((f) => f.version));
    const rows = await p.query('SELECT version, checksum, applied_at FROM schema_migrations ORDER BY version');
    expect(rows.rows).toEqual(ALL.map((f) => ({ version: f.version, checksum: f.checksum, applied_at: clock.now() })));
    expect(await migratePostgres(p, { dir: PG_DIR, clock })).toEqual({ applied: [], version: first.version });
    const status = await migrationStatusPostgres(p, { dir: PG_DIR });
    expect(status.problems).toEqual([]);
    expect(status.applied.every((a) => a.checksumOk)).toBe(true);
  });

  it('has the same tables and columns as the SQLite schema, amounts exact (no float column)', async () => {
    const p = pool();
    await migratePostgres(p, { dir: PG_DIR, clock });
    const cols = await p.query<{ table_name: string; column_name: string; data_type: string }>(
      "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, column_name",
    );
    for (const c of cols.rows) expect(`${c.table_name}.${c.column_name} ${c.data_type}`).not.toMatch(/ (real|double precision)$/);
    const pgSchema = cols.rows.map((c) => `${c.table_name}.${c.column_name}`);

    const sqlite = new Database(join(tmp.dir, 'twin.db'));
    try {
      applyPragmas(sqlite, {});
      migrate(sqlite, { dir: locateMigrationsDir(), clock });
      const tables = (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
      const sqliteSchema = tables.flatMap((t) => (sqlite.pragma(`table_info(${t})`) as { name: string }[]).map((c) => `${t}.${c.name}`));
      expect([...pgSchema].sort()).toEqual([...sqliteSchema].sort());
    } finally {
      sqlite.close();
    }
  });

  it('refuses loudly when an applied file was edited, and status names it', async () => {
    const dir = copyOfFolder();
    const p = pool();
    await migratePostgres(p, { dir, clock });
    appendFileSync(join(dir, ALL[0]!.fileName), '\nCREATE TABLE sneaky (x TEXT);\n');
    await expect(migratePostgres(p, { dir, clock })).rejects.toThrow(/MIGRATION\.CHECKSUM_MISMATCH: .*V0001__.*was edited after it was applied/);
    expect((await p.query("SELECT to_regclass('sneaky') AS t")).rows).toEqual([{ t: null }]);
    const status = await migrationStatusPostgres(p, { dir });
    expect(status.problems).toEqual([expect.objectContaining({ code: 'MIGRATION.CHECKSUM_MISMATCH' })]);
  });

  it('rolls back a failing migration completely and names the file', async () => {
    const dir = copyOfFolder();
    const next = String(ALL.length + 1).padStart(4, '0');
    writeFileSync(join(dir, `V${next}__broken.sql`), 'CREATE TABLE half_done (x TEXT);\nINSERT INTO no_such_table VALUES (1);\n');
    const p = pool();
    await expect(migratePostgres(p, { dir, clock })).rejects.toThrow(
      new RegExp(`MIGRATION\\.FAILED: V${next}__broken\\.sql: relation "no_such_table" does not exist`),
    );
    expect((await p.query("SELECT to_regclass('half_done') AS t")).rows).toEqual([{ t: null }]);
    const status = await migrationStatusPostgres(p, { dir });
    expect(status.version).toBe(ALL.length);
    expect(status.pending.map((x) => x.fileName)).toEqual([`V${next}__broken.sql`]);
  });

  it('applies each migration exactly once when several processes start at once', async () => {
    const results = await Promise.all([pool(), pool(), pool()].map((p) => migratePostgres(p, { dir: PG_DIR, clock })));
    expect(results.flatMap((r) => r.applied.map((a) => a.version)).sort()).toEqual(ALL.map((f) => f.version));
    expect(results.map((r) => r.version)).toEqual([ALL.length, ALL.length, ALL.length]);
  });
});
