import { FakeClock } from '@cab/domain/testing';
import { openTempPostgresStorage, openTempStorage, SEED_DAY, SEED_EXPECTED, seedTrades } from '@cab/infrastructure/testing';
import { openPostgresStorage } from '../../driven/storage/postgres-storage';
import { performanceCommand } from './performance-command';

jest.setTimeout(60_000);

describe('cab performance with DB_URL', () => {
  it("reports the bot's day from Postgres exactly as from its SQLite file, and only its own fills", async () => {
    const clock = new FakeClock(SEED_DAY + 86_400_000);
    const lite = openTempStorage(clock);
    const pg = await openTempPostgresStorage(clock, { botId: 'desk-1' });
    const other = await openPostgresStorage({ url: pg.database.url, clock, botId: 'desk-2' });
    try {
      await seedTrades(lite);
      await seedTrades(pg);
      await seedTrades(other); // another bot's identical day must not double this one's
      const base = { symbols: ['BTC/USDT'], day: SEED_DAY, clock, json: true };
      const fromFile = await performanceCommand({ ...base, dbPath: lite.dbPath });
      const fromPg = await performanceCommand({ ...base, dbPath: '/nonexistent.db', dbUrl: pg.database.url, botId: 'desk-1' });
      expect(fromPg).toEqual(fromFile);
      expect(JSON.parse(fromPg.stdout)).toMatchObject({ totals: expect.objectContaining({ realizedQuote: SEED_EXPECTED.realizedQuote }) });
    } finally {
      await other.close();
      await pg.dispose();
      await lite.dispose();
    }
  });
});
