import Database from 'better-sqlite3';
import { tempDir } from '@cab/infrastructure/testing';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_DB_PATH, openSqlite, StorageConfigError } from './connection';

describe('openSqlite', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir('cab-conn-')));
  afterEach(() => tmp.cleanup());

  it('creates the folder and turns on WAL, foreign keys, a busy timeout and FULL sync by default', async () => {
    const path = join(tmp.dir, 'nested', 'deeper', 'bot.db');
    const c = openSqlite({ path });
    try {
      expect(existsSync(path)).toBe(true);
      expect(c.raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(c.raw.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(c.raw.pragma('busy_timeout', { simple: true })).toBe(5000);
      expect(c.raw.pragma('synchronous', { simple: true })).toBe(2); // FULL
    } finally {
      await c.close();
    }
  });

  it('honours busy timeout and synchronous=NORMAL when asked', async () => {
    const c = openSqlite({ path: join(tmp.dir, 'b.db'), busyTimeoutMs: 1234, synchronous: 'NORMAL' });
    try {
      expect(c.raw.pragma('busy_timeout', { simple: true })).toBe(1234);
      expect(c.raw.pragma('synchronous', { simple: true })).toBe(1);
    } finally {
      await c.close();
    }
  });

  it('refuses an in-memory database unless a test asks for one', async () => {
    expect(() => openSqlite({ path: ':memory:' })).toThrow(StorageConfigError);
    expect(() => openSqlite({ path: '' })).toThrow(/in-memory database is for tests only/);
    const c = openSqlite({ path: ':memory:', allowInMemory: true });
    expect(c.path).toBe(':memory:');
    await c.close();
  });

  it('defaults to ./data/crypto_ai_bot.db', () => {
    expect(DEFAULT_DB_PATH).toBe('./data/crypto_ai_bot.db');
  });

  it('opens transactions with BEGIN IMMEDIATE so they hold the write lock from the start', async () => {
    const c = openSqlite({ path: join(tmp.dir, 'tx.db') });
    try {
      const modes: string[] = [];
      await c.db.transaction().execute(async (trx) => {
        // Another connection cannot start writing while our transaction is open, even before we write.
        const other = new Database(join(tmp.dir, 'tx.db'), { timeout: 0 });
        try {
          other.exec('BEGIN IMMEDIATE');
          modes.push('other got the lock');
        } catch (e) {
          modes.push((e as { code?: string }).code ?? 'error');
        } finally {
          other.close();
        }
        await trx.selectNoFrom((eb) => eb.lit(1).as('x')).execute();
      });
      expect(modes).toEqual(['SQLITE_BUSY']);
    } finally {
      await c.close();
    }
  });
});
