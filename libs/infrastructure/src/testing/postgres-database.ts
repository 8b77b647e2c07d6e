import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { testPostgresEnv } from '../settings/test-postgres';

/** A database of its own on the test run's throwaway Postgres; `drop()` removes it (and closes nothing else). */
export interface TestPostgresDatabase {
  /** postgres://… of the new, empty database. */
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

/** The test run's cluster URL, or an error naming why there is none: Postgres specs fail, they never skip. */
export function testPostgresUrl(): string {
  const { url, error } = testPostgresEnv();
  if (url) return url;
  throw new Error(error ?? 'no Postgres for the tests: run the spec through its project jest config (it starts a throwaway cluster)');
}

async function admin<T>(work: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: testPostgresUrl() });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

/** Creates an empty database with a unique name, so specs never see each other's rows. */
export async function createTestPostgresDatabase(prefix = 'cab'): Promise<TestPostgresDatabase> {
  const name = `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  const u = new URL(testPostgresUrl());
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    name,
    // WITH (FORCE) ends sessions a failed spec left open.
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}
