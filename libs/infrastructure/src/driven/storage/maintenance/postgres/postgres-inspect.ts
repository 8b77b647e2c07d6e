import type { Pool } from 'pg';
import { migrationStatusPostgres } from '../../migrations/postgres-runner';
import type { MigrationStatus } from '../../migrations/runner';
import { BOT_TABLES, STORAGE_TABLES } from '../../schema';
import type { IntegrityResult } from '../integrity';

/**
 * Catalog checks of a Postgres store (what PRAGMA integrity_check is to SQLite; Postgres itself
 * guards pages and constraints): the migrations applied match the files (checksums, nothing
 * missing or out of order), every table of the schema is there, no index is left invalid (a
 * failed CREATE INDEX CONCURRENTLY). amcheck is not required.
 */
export async function checkPostgresIntegrity(pool: Pool, migrationsDir: string): Promise<IntegrityResult & { migrations: MigrationStatus }> {
  const migrations = await migrationStatusPostgres(pool, { dir: migrationsDir });
  const problems = migrations.problems.map((p) => `${p.code}: ${p.message}`);
  const present = new Set(
    (await pool.query<{ t: string }>('SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema()')).rows.map((r) => r.t),
  );
  if (migrations.version > 0) for (const t of STORAGE_TABLES) if (!present.has(t)) problems.push(`table ${t} is missing`);
  const invalid = await pool.query<{ i: string }>(
    'SELECT c.relname AS i FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND NOT x.indisvalid',
  );
  for (const r of invalid.rows) problems.push(`index ${r.i} is invalid (rebuild it with REINDEX)`);
  return { ok: problems.length === 0, problems, migrations };
}

async function tablesPresent(pool: Pool): Promise<Set<string>> {
  const r = await pool.query<{ t: string }>('SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema()');
  return new Set(r.rows.map((x) => x.t));
}

export interface PostgresStatus {
  database: string;
  serverVersion: string;
  bytes: number;
  migrations: MigrationStatus;
  /** Rows per bot per table (the tables a bot writes), bots in name order. */
  bots: { botId: string; rows: Record<string, number> }[];
  /** Candles: shared by the bots. */
  candles: number;
}

/** What `cab maintenance status` shows for a Postgres store: the schema, and every bot of the database with its row counts. */
export async function postgresStatus(pool: Pool, migrationsDir: string): Promise<PostgresStatus> {
  const migrations = await migrationStatusPostgres(pool, { dir: migrationsDir });
  const info = await pool.query<{ db: string; v: string; bytes: number }>(
    "SELECT current_database() AS db, current_setting('server_version') AS v, pg_database_size(current_database()) AS bytes",
  );
  const bots = new Map<string, Record<string, number>>();
  let candles = 0;
  if (migrations.version > 0) {
    const present = await tablesPresent(pool);
    // A missing table is integrity's to report; status counts what is there.
    for (const t of BOT_TABLES.filter((x) => present.has(x))) {
      const r = await pool.query<{ bot_id: string; n: number }>(`SELECT bot_id, count(*) AS n FROM ${t} GROUP BY bot_id`);
      for (const row of r.rows) {
        const counts = bots.get(row.bot_id) ?? Object.fromEntries(BOT_TABLES.map((x) => [x, 0]));
        counts[t] = row.n;
        bots.set(row.bot_id, counts);
      }
    }
    if (present.has('market_data')) candles = (await pool.query<{ n: number }>('SELECT count(*) AS n FROM market_data')).rows[0]?.n ?? 0;
  }
  const i = info.rows[0]!;
  return {
    database: i.db,
    serverVersion: i.v,
    bytes: i.bytes,
    migrations,
    bots: [...bots.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([botId, rows]) => ({ botId, rows })),
    candles,
  };
}
