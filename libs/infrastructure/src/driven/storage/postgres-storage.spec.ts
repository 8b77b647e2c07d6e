import { dec, str } from '@cab/domain';
import { FakeClock } from '@cab/domain/testing';
import { createTestPostgresDatabase, openTempPostgresStorage, tempDir, type TestPostgresDatabase } from '@cab/infrastructure/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { anOrder, aPosition } from '../../../test/storage/fixtures';
import { parseSettings } from '../../settings';
import { openStorageFromSettings } from './open-storage';
import { openPostgresStorage, type PostgresStorage } from './postgres-storage';
import { parseInt8, redactPostgresUrl } from './postgres/pool';

// What only the Postgres adapter promises, beyond the shared contract (storage.contract.postgres.spec.ts).
jest.setTimeout(60_000);

describe('Postgres storage: how values are stored', () => {
  let s: Awaited<ReturnType<typeof openTempPostgresStorage>>;
  beforeEach(async () => (s = await openTempPostgresStorage(new FakeClock(1_700_000_000_000))));
  afterEach(() => s.dispose());

  it('keeps amounts as NUMERIC, exactly as written, and reads them back as strings (never floats)', async () => {
    await s.orders.insert(anOrder({ fee: dec('1e-8'), filledQuote: dec('0.3'), requestedQuote: dec('100.123456789012345678901234567890') }));
    const row = await sql<{ fee: unknown; t: string; requested_quote: unknown; created_at: unknown }>`
      SELECT fee, pg_typeof(fee)::text AS t, requested_quote, created_at FROM orders`.execute(s.db);
    expect(row.rows).toEqual([{ fee: '0.00000001', t: 'numeric', requested_quote: '100.12345678901234567890123456789', created_at: 1_700_000_000_000 }]);
    expect(str((await s.orders.byClientOrderId('cab-1'))!.requestedQuote!)).toBe('100.12345678901234567890123456789');
  });

  it('reads BIGINT epoch ms as numbers, and refuses one a number cannot hold exactly', async () => {
    await s.positions.save(aPosition({ baseQty: dec('1'), openedAt: 1_700_000_000_123 }));
    expect((await s.positions.get('BTC/USDT'))?.openedAt).toBe(1_700_000_000_123);
    expect(parseInt8('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => parseInt8('9007199254740993')).toThrow(/does not fit/);
  });

  it('enforces the CHECK constraints (side, type)', async () => {
    await expect(
      sql`INSERT INTO orders (bot_id, client_order_id, exchange, symbol, side, type, status, created_at, updated_at)
          VALUES ('default', 'x', 'paper', 'BTC/USDT', 'hold', 'market', 'new', 1, 1)`.execute(s.db),
    ).rejects.toThrow(/violates check constraint/);
  });
});

describe("Postgres units of work: one bot's transactions queue, other bots' do not wait", () => {
  let database: TestPostgresDatabase;
  const open: PostgresStorage[] = [];
  const clock = new FakeClock(1_700_000_000_000);
  beforeEach(async () => (database = await createTestPostgresDatabase()));
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    await database.drop();
  });
  const storage = async (botId: string): Promise<PostgresStorage> => {
    const s = await openPostgresStorage({ url: database.url, clock, botId, poolSize: 2 });
    open.push(s);
    return s;
  };

  it('a second pool of the same bot waits on the first one’s open transaction; another bot goes ahead', async () => {
    const alpha = await storage('alpha');
    const alphaAgain = await storage('alpha'); // another process of the same bot (the CLI, say)
    const beta = await storage('beta');
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let inside!: () => void;
    const entered = new Promise<void>((r) => (inside = r));
    const first = alpha.unitOfWork.run(async (tx) => {
      await tx.positions.save(aPosition({ baseQty: dec('1') }));
      inside();
      await held;
    });
    await entered;
    // Another bot is not held up by alpha's transaction.
    await beta.unitOfWork.run((tx) => tx.positions.save(aPosition({ baseQty: dec('5') })));
    let secondDone = false;
    const second = alphaAgain.unitOfWork
      .run(async (tx) => {
        const p = await tx.positions.get('BTC/USDT');
        await tx.positions.save({ ...p!, baseQty: p!.baseQty.plus('1') }, p!.version);
      })
      .then(() => (secondDone = true));
    // Wait until the second is queued on the advisory lock (a condition, not a delay).
    const waiting = async (): Promise<number> =>
      Number((await sql<{ n: string }>`SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`.execute(beta.db)).rows[0]?.n);
    for (let i = 0; i < 600 && (await waiting()) < 1; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await waiting()).toBe(1);
    expect(secondDone).toBe(false);
    release();
    await Promise.all([first, second]);
    expect(str((await alpha.positions.get('BTC/USDT'))!.baseQty)).toBe('2');
    expect(str((await beta.positions.get('BTC/USDT'))!.baseQty)).toBe('5');
  });
});

describe('openStorageFromSettings', () => {
  it('opens Postgres when DB_URL is set, scoped to BOT_ID; SQLite at DB_PATH otherwise', async () => {
    const database = await createTestPostgresDatabase();
    const tmp = tempDir('cab-open-');
    const load = (env: Record<string, string>) =>
      parseSettings({ DB_PATH: join(tmp.dir, 'bot.db'), ...env }, { cwd: tmp.dir, readFile: (p) => readFileSync(p, 'utf8') });
    try {
      const pg = await openStorageFromSettings(load({ DB_URL: database.url, BOT_ID: 'desk-1' }), new FakeClock());
      expect([pg.dialect, pg.botId]).toEqual(['postgres', 'desk-1']);
      await pg.orders.insert(anOrder());
      const rows = await sql<{ bot_id: string }>`SELECT bot_id FROM orders`.execute(pg.db);
      expect(rows.rows).toEqual([{ bot_id: 'desk-1' }]);
      await pg.close();
      const lite = await openStorageFromSettings(load({}), new FakeClock());
      expect([lite.dialect, lite.botId]).toEqual(['sqlite', 'default']);
      expect(await lite.orders.find()).toEqual([]);
      await lite.close();
    } finally {
      tmp.cleanup();
      await database.drop();
    }
  });

  it('never shows the password of a postgres URL', () => {
    expect(redactPostgresUrl('postgres://bot:s3cret@db.example:5432/cab')).toBe('postgres://bot:***@db.example:5432/cab');
    expect(redactPostgresUrl('postgres://bot@db.example/cab')).toBe('postgres://bot@db.example/cab');
  });
});
