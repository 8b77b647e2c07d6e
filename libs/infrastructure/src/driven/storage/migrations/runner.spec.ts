import Database from 'better-sqlite3';
import { FakeClock } from '@cab/domain/testing';
import { tempDir } from '@cab/infrastructure/testing';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyPragmas } from '../sqlite/connection';
import { locateMigrationsDir, migrationChecksum, readMigrationFiles } from './files';
import { migrate, migrationStatus } from './runner';
import { migrationStatusAt } from './status-at';

const REPO_MIGRATIONS = locateMigrationsDir();
const ALL = readMigrationFiles(REPO_MIGRATIONS);

describe('migrations runner (real SQLite files)', () => {
  let tmp: ReturnType<typeof tempDir>;
  let clock: FakeClock;
  const open: Database.Database[] = [];

  beforeEach(() => {
    tmp = tempDir('cab-mig-');
    clock = new FakeClock();
  });
  afterEach(() => {
    for (const db of open.splice(0)) db.close();
    tmp.cleanup();
  });

  function openDb(name = 'bot.db'): Database.Database {
    const db = new Database(join(tmp.dir, name));
    applyPragmas(db, {});
    open.push(db);
    return db;
  }

  /** A migrations folder holding copies of the repo's first `n` files. */
  function folderWith(n: number, name = `m${n}`): string {
    const dir = join(tmp.dir, name);
    mkdirSync(dir);
    for (const f of ALL.slice(0, n)) copyFileSync(join(REPO_MIGRATIONS, f.fileName), join(dir, f.fileName));
    return dir;
  }

  /** The schema as SQLite stores it: what "the same database" means here. */
  function schemaOf(db: Database.Database): string[] {
    return (
      db.prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all() as {
        type: string;
        name: string;
        sql: string | null;
      }[]
    ).map((r) => `${r.type} ${r.name}: ${r.sql ?? ''}`);
  }

  it('finds the repository migrations folder and reads V0001… in order', () => {
    expect(readdirSync(REPO_MIGRATIONS)).toContain('V0001__init.sql');
    expect(ALL.length).toBeGreaterThanOrEqual(3);
    expect(ALL.map((f) => f.version)).toEqual(ALL.map((_, i) => i + 1));
  });

  it('applies everything to an empty database, and a second run is a no-op', () => {
    const db = openDb();
    const first = migrate(db, { dir: REPO_MIGRATIONS, clock });
    expect(first.applied.map((m) => m.version)).toEqual(ALL.map((f) => f.version));
    expect(first.version).toBe(ALL.length);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
    expect(tables).toEqual(
      expect.arrayContaining(['orders', 'fills', 'positions', 'idempotency_keys', 'audit', 'market_data', 'dlq', 'paper_balances', 'schema_migrations']),
    );
    const recorded = db.prepare('SELECT version, checksum, applied_at FROM schema_migrations ORDER BY version').all();
    expect(recorded).toEqual(ALL.map((f) => ({ version: f.version, checksum: f.checksum, applied_at: clock.now() })));

    const schemaBefore = schemaOf(db);
    clock.advance(1000);
    const second = migrate(db, { dir: REPO_MIGRATIONS, clock });
    expect(second.applied).toEqual([]);
    expect(second.version).toBe(ALL.length);
    expect(schemaOf(db)).toEqual(schemaBefore);
  });

  it('stores no amount as REAL: every decimal column is TEXT', () => {
    const db = openDb();
    migrate(db, { dir: REPO_MIGRATIONS, clock });
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
    for (const t of tables) {
      const cols = db.pragma(`table_info(${t})`) as { name: string; type: string }[];
      for (const c of cols) expect(`${t}.${c.name} ${c.type}`).not.toMatch(/ (REAL|FLOAT|DOUBLE|NUMERIC)/i);
    }
  });

  it.each(ALL.map((f, i) => [i, f.fileName] as const))('upgrades from version %i (up to before %s) to the same schema as a fresh install', (k) => {
    const fresh = openDb('fresh.db');
    migrate(fresh, { dir: REPO_MIGRATIONS, clock });

    const db = openDb('old.db');
    const old = migrate(db, { dir: folderWith(k), clock });
    expect(old.version).toBe(k);
    if (k >= 1) {
      db.prepare(
        "INSERT INTO orders (client_order_id, exchange, symbol, side, type, status, created_at, updated_at) VALUES ('old-1', 'paper', 'BTC/USDT', 'buy', 'market', 'filled', 1, 1)",
      ).run();
    }
    expect(migrationStatus(db, { dir: REPO_MIGRATIONS }).pending.map((p) => p.version)).toEqual(ALL.slice(k).map((f) => f.version));

    const up = migrate(db, { dir: REPO_MIGRATIONS, clock });
    expect(up.applied.map((m) => m.version)).toEqual(ALL.slice(k).map((f) => f.version));
    expect(schemaOf(db)).toEqual(schemaOf(fresh));
    if (k >= 1) expect(db.prepare('SELECT client_order_id FROM orders').all()).toEqual([{ client_order_id: 'old-1' }]);
  });

  it('refuses loudly to run when an applied migration was edited, and changes nothing', () => {
    const dir = folderWith(ALL.length, 'tampered');
    const db = openDb();
    migrate(db, { dir, clock });
    const second = ALL[1];
    if (!second) throw new Error('need at least two migrations');
    appendFileSync(join(dir, second.fileName), '\nCREATE TABLE sneaky (x TEXT);\n');

    expect(() => migrate(db, { dir, clock })).toThrow(/MIGRATION\.CHECKSUM_MISMATCH: .*V0002__.*was edited after it was applied/);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'sneaky'").get()).toBeUndefined();
    const status = migrationStatus(db, { dir });
    expect(status.problems).toEqual([expect.objectContaining({ code: 'MIGRATION.CHECKSUM_MISMATCH' })]);
    expect(status.applied.find((a) => a.version === second.version)?.checksumOk).toBe(false);
  });

  it('does not mistake a CRLF checkout for an edit', () => {
    const dir = folderWith(ALL.length, 'crlf');
    const db = openDb();
    migrate(db, { dir, clock });
    for (const f of ALL) {
      const p = join(dir, f.fileName);
      writeFileSync(p, readFileSync(p, 'utf8').replace(/\n/g, '\r\n'));
    }
    expect(migrate(db, { dir, clock }).applied).toEqual([]);
    expect(migrationChecksum('a\r\nb')).toBe(migrationChecksum('a\nb'));
  });

  it('refuses a database newer than the code (an applied file is missing)', () => {
    const db = openDb();
    migrate(db, { dir: REPO_MIGRATIONS, clock });
    expect(() => migrate(db, { dir: folderWith(1, 'older-build'), clock })).toThrow(/MIGRATION\.MISSING_FILE/);
  });

  it('refuses a new migration that sorts before one already applied', () => {
    const db = openDb();
    const dir = folderWith(1, 'gap');
    const third = ALL[2];
    const second = ALL[1];
    if (!third || !second) throw new Error('need three migrations');
    copyFileSync(join(REPO_MIGRATIONS, third.fileName), join(dir, third.fileName));
    migrate(db, { dir, clock });
    copyFileSync(join(REPO_MIGRATIONS, second.fileName), join(dir, second.fileName));
    expect(() => migrate(db, { dir, clock })).toThrow(/MIGRATION\.OUT_OF_ORDER/);
  });

  it('rolls back a failing migration completely and names the file', () => {
    const dir = folderWith(ALL.length, 'broken');
    const next = String(ALL.length + 1).padStart(4, '0');
    writeFileSync(join(dir, `V${next}__broken.sql`), 'CREATE TABLE half_done (x TEXT);\nINSERT INTO no_such_table VALUES (1);\n');
    const db = openDb();
    expect(() => migrate(db, { dir, clock })).toThrow(new RegExp(`MIGRATION\\.FAILED: V${next}__broken\\.sql: no such table`));
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half_done'").get()).toBeUndefined();
    const status = migrationStatus(db, { dir });
    expect(status.version).toBe(ALL.length);
    expect(status.pending.map((p) => p.fileName)).toEqual([`V${next}__broken.sql`]);
  });

  it('refuses misnamed .sql files and duplicate versions instead of skipping them', () => {
    const dir = folderWith(1, 'names');
    writeFileSync(join(dir, 'V2_missing_underscore.sql'), 'SELECT 1;');
    expect(() => readMigrationFiles(dir)).toThrow(/MIGRATION\.BAD_NAME/);
    const dup = folderWith(1, 'dup');
    writeFileSync(join(dup, 'V0001__again.sql'), 'SELECT 1;');
    expect(() => readMigrationFiles(dup)).toThrow(/MIGRATION\.DUPLICATE_VERSION/);
    expect(() => readMigrationFiles(join(tmp.dir, 'nope'))).toThrow(/MIGRATION\.DIR_NOT_FOUND/);
  });

  it('status lists applied and pending without changing the database', () => {
    const db = openDb();
    const empty = migrationStatus(db, { dir: REPO_MIGRATIONS });
    expect(empty).toEqual({ applied: [], pending: ALL.map((f) => ({ version: f.version, name: f.name, fileName: f.fileName })), problems: [], version: 0 });
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'schema_migrations'").get()).toBeUndefined();
    migrate(db, { dir: folderWith(1, 'one'), clock });
    const s = migrationStatus(db, { dir: REPO_MIGRATIONS });
    expect(s.applied.map((a) => [a.version, a.checksumOk])).toEqual([[1, true]]);
    expect(s.pending.map((p) => p.version)).toEqual(ALL.slice(1).map((f) => f.version));
  });

  it('status by path does not create a missing database, and reads an existing one', () => {
    const missing = join(tmp.dir, 'not-yet.db');
    expect(migrationStatusAt(missing, REPO_MIGRATIONS).pending).toHaveLength(ALL.length);
    expect(existsSync(missing)).toBe(false);
    const db = openDb('there.db');
    migrate(db, { dir: folderWith(2, 'two'), clock });
    const st = migrationStatusAt(join(tmp.dir, 'there.db'), REPO_MIGRATIONS);
    expect([st.version, st.applied.length, st.pending.map((p) => p.version)]).toEqual([2, 2, ALL.slice(2).map((f) => f.version)]);
  });

  it('locateMigrationsDir fails with a clear message away from the repository', () => {
    expect(() => locateMigrationsDir(tmp.dir)).toThrow(/MIGRATION\.DIR_NOT_FOUND: no migrations\/V0001__init\.sql above/);
  });
});
