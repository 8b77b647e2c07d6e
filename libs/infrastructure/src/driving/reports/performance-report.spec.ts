import { FakeClock, anInstrument } from '@cab/domain/testing';
import { dec, instrumentDust } from '@cab/domain';
import { openTempStorage } from '../../testing';
import { SEED_DAY, SEED_EXPECTED, insertLegs, seedTrades, type Leg } from './testing/seed-trades';
import { isoDay, parseIsoDay, performanceReport } from './performance-report';

describe('performanceReport over real SQLite', () => {
  const storage = openTempStorage(new FakeClock(SEED_DAY));
  beforeAll(() => seedTrades(storage));
  afterAll(() => storage.dispose());

  it("rebuilds the day's trades, fees, realized PnL and win rate from the fills", async () => {
    const r = await performanceReport({ fills: storage.fills, symbols: ['BTC/USDT'], day: SEED_DAY + 12 * 3_600_000 });
    expect(r.date).toBe('2026-11-23');
    expect(r.warnings).toEqual([]);
    const [btc] = r.symbols;
    expect(btc).toMatchObject({ symbol: 'BTC/USDT', fills: 5, buys: 3, sells: 2, closedTrades: 2, wins: 1, losses: 1 });
    expect(btc!.realizedQuote).toBe(SEED_EXPECTED.realizedQuote);
    expect(btc!.feesQuote).toBe(SEED_EXPECTED.feesQuote);
    expect(btc!.netQuote).toBe(SEED_EXPECTED.netQuote);
    expect(btc!.volumeQuote).toBe(SEED_EXPECTED.volumeQuote);
    expect(btc!.positionBase).toBe(SEED_EXPECTED.positionBase);
    expect(btc!.avgEntry).toBe(SEED_EXPECTED.avgEntry);
    // Marked at the last fill (50000), the open position is flat in PnL.
    expect(btc).toMatchObject({ markPrice: '50000', markSource: 'last fill', unrealizedQuote: '0' });
    expect(r.totals).toMatchObject({ fills: 5, closedTrades: 2, winRate: '0.5', netQuote: SEED_EXPECTED.netQuote });
  });

  it('values the open position with a price source when one is given', async () => {
    const r = await performanceReport({ fills: storage.fills, symbols: ['BTC/USDT'], day: SEED_DAY, prices: async () => dec('52000') });
    // 0.000999 × 52000 − 49.95
    expect(r.symbols[0]).toMatchObject({ markPrice: '52000', markSource: 'price source', unrealizedQuote: '1.998' });
    expect(r.totals.unrealizedQuote).toBe('1.998');
  });

  it('reports another day with no trades but the position still held', async () => {
    const r = await performanceReport({ fills: storage.fills, symbols: ['BTC/USDT', 'ETH/USDT'], day: SEED_DAY + 86_400_000 });
    expect(r.date).toBe('2026-11-24');
    expect(r.symbols[0]).toMatchObject({ fills: 0, feesQuote: '0', realizedQuote: '0', closedTrades: 0, positionBase: '0.000999' });
    expect(r.symbols[1]).toMatchObject({ symbol: 'ETH/USDT', fills: 0, positionBase: '0', markPrice: null, markSource: null });
    expect(r.totals.winRate).toBeNull();
  });

  it('warns instead of failing when the history does not add up', async () => {
    const clock = new FakeClock(SEED_DAY);
    const other = openTempStorage(clock);
    try {
      await seedTrades(other);
      // A sell larger than anything held (e.g. coins bought outside the bot) cannot be applied.
      await other.orders.insert({ ...(await other.orders.byClientOrderId('cab-seed-4'))!, clientOrderId: 'cab-extra', exchangeOrderId: 'x-extra' });
      await other.fills.insertMany([{ ...(await other.fills.byOrder('cab-seed-4'))[0]!, tradeId: 't-extra', clientOrderId: 'cab-extra', exchangeOrderId: 'x-extra', amount: dec('5'), ts: SEED_DAY + 6 * 3_600_000 }]);
      const r = await performanceReport({ fills: other.fills, symbols: ['BTC/USDT'], day: SEED_DAY });
      expect(r.warnings).toHaveLength(1);
      expect(r.warnings[0]).toMatch(/BTC\/USDT trade t-extra: skipped/);
      expect(r.symbols[0]!.fills).toBe(5);
    } finally {
      await other.dispose();
    }
  });
});

describe('day parsing', () => {
  it.each([
    ['2026-11-23', Date.UTC(2026, 10, 23)],
    ['2024-02-29', Date.UTC(2024, 1, 29)],
    ['2026-02-30', null],
    ['2026-1-3', null],
    ['yesterday', null],
  ])('%s → %s', (s, ts) => {
    expect(parseIsoDay(s)).toBe(ts);
  });

  it('isoDay is the UTC day', () => {
    expect(isoDay(Date.UTC(2026, 10, 23, 23, 59, 59))).toBe('2026-11-23');
  });
});

describe('performanceReport: the round trip that leaves dust (real SQLite)', () => {
  // 25 USDT of BTC at 17,700: 0.001412 BTC filled, Gate's 0.2 % fee taken in base (0.000002824),
  // 0.001409176 held; the sell, quantized down to Gate's 0.000001 step, leaves 0.000000176 BTC
  // that Gate will never sell (below 0.00001 BTC and 3 USDT).
  const legs = (symbol: string): Leg[] => [
    { id: `${symbol}-1`, side: 'buy', amount: '0.001412', price: '17700', fee: '0.000002824', feeCurrency: 'BTC', hour: 1 },
    { id: `${symbol}-2`, side: 'sell', amount: '0.001409', price: '17800', fee: '0.0501604', feeCurrency: 'USDT', hour: 2 },
  ];

  it('closes it: a sell that leaves only dust ends the round trip (the domain rule, Gate minimums for BTC/USDT)', async () => {
    const storage = openTempStorage(new FakeClock(SEED_DAY));
    try {
      await insertLegs(storage, 'BTC/USDT', legs('btc'));
      const r = await performanceReport({ fills: storage.fills, symbols: ['BTC/USDT'], day: SEED_DAY });
      expect(r.warnings).toEqual([]);
      // Gross 0.001409 × 100 = 0.1409; fees 0.0499848 (0.000002824 BTC at 17,700) + 0.0501604: a win of 0.0407548.
      expect(r.symbols[0]).toMatchObject({ fills: 2, closedTrades: 1, wins: 1, losses: 0, positionBase: '0.000000176', realizedQuote: '0.1409', feesQuote: '0.1001452', netQuote: '0.0407548' });
      expect(r.totals).toMatchObject({ closedTrades: 1, wins: 1, winRate: '1' });
    } finally {
      await storage.dispose();
    }
  });

  it('asks the dust source given (the broker\'s instruments in the apps); without a known minimum only an exact zero closes, and it says so', async () => {
    const storage = openTempStorage(new FakeClock(SEED_DAY));
    try {
      await insertLegs(storage, 'ABC/USDT', legs('abc').map((l) => ({ ...l, feeCurrency: l.feeCurrency === 'BTC' ? 'ABC' : l.feeCurrency })));
      const unknown = await performanceReport({ fills: storage.fills, symbols: ['ABC/USDT'], day: SEED_DAY });
      expect(unknown.symbols[0]).toMatchObject({ closedTrades: 0, positionBase: '0.000000176' });
      expect(unknown.warnings).toEqual(['ABC/USDT: the exchange minimum is unknown, so a round trip counts as closed only at exactly zero']);
      const abc = anInstrument({ symbol: 'ABC/USDT', base: 'ABC', quote: 'USDT' });
      const known = await performanceReport({ fills: storage.fills, symbols: ['ABC/USDT'], day: SEED_DAY, dust: async () => instrumentDust(abc) });
      expect(known.symbols[0]).toMatchObject({ closedTrades: 1, wins: 1 });
      expect(known.warnings).toEqual([]);
    } finally {
      await storage.dispose();
    }
  });
});
