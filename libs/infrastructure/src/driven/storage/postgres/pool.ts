import { Pool, types as pgTypes } from 'pg';

/** OIDs of the Postgres types the schema uses whose default parsing we change. */
const INT8_OID = 20;

/**
 * BIGINT columns are epoch-ms timestamps, identity ids and counts: pg hands them back as strings
 * (an int8 may exceed 2^53). Ours never do; a value that would lose precision as a number is a bug
 * to surface, not to round. NUMERIC (amounts) keeps pg's default: a string, never a float.
 */
export function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`BIGINT ${text} does not fit a JS number exactly`);
  return n;
}

const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? parseInt8 : pgTypes.getTypeParser(oid, format)) as typeof pgTypes.getTypeParser,
};

export interface PostgresPoolOptions {
  /** postgres://user:password@host:port/database: revealed from settings only by the caller that connects. */
  url: string;
  /** Connections in the pool. Default 10. */
  max?: number;
  /** application_name shown in pg_stat_activity: which bot a session belongs to. */
  applicationName?: string;
}

/**
 * The bot's pool: its own type parsers (not pg's global ones, which other code in the process may
 * rely on), UTC session time zone. An idle client's error (the server restarted) is reported to
 * the next query instead of crashing the process, as pg would by default.
 */
export function createPostgresPool(options: PostgresPoolOptions): Pool {
  const pool = new Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    types,
    application_name: options.applicationName ?? 'crypto-ai-bot',
    options: '-c TimeZone=UTC',
  });
  pool.on('error', () => undefined);
  return pool;
}

/** Removes the password from a postgres URL for messages and status output. */
export function redactPostgresUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}
