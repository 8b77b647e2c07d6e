import { dec } from '@cab/domain';
import { FakeClock } from '@cab/domain/testing';
import { openTempStorage } from '@cab/infrastructure/testing';
import { anOrder } from '../../../test/storage/fixtures';

// What only the SQL adapters promise, beyond the shared storage contract (storage.contract.ts).
describe('SQLite repositories: how values are stored', () => {
  let s: ReturnType<typeof openTempStorage>;
  beforeEach(() => (s = openTempStorage(new FakeClock())));
  afterEach(() => s.dispose());

  it('keeps amounts as decimal TEXT, exactly as written', async () => {
    await s.orders.insert(anOrder({ fee: dec('1e-8'), filledQuote: dec('0.3'), requestedQuote: dec('100.10') }));
    expect(s.connection.raw.prepare('SELECT fee, typeof(fee) t, filled_quote, requested_quote FROM orders').get()).toEqual({
      fee: '0.00000001',
      t: 'text',
      filled_quote: '0.3',
      requested_quote: '100.1',
    });
  });

  it('keeps candle values as TEXT too', async () => {
    await s.candles.upsert({ exchange: 'gate', symbol: 'BTC/USDT', timeframe: '1m' }, [{ ts: 0, open: 0.1 + 0.2, high: 1, low: 0, close: 1e-7, volume: 5 }]);
    expect(s.connection.raw.prepare('SELECT open, close, typeof(close) t FROM market_data').get()).toEqual({
      open: '0.30000000000000004',
      close: '1e-7',
      t: 'text',
    });
  });

  it('enforces the CHECK constraints (side, type)', () => {
    expect(() =>
      s.connection.raw
        .prepare("INSERT INTO orders (client_order_id, exchange, symbol, side, type, status, created_at, updated_at) VALUES ('x', 'paper', 'BTC/USDT', 'hold', 'market', 'new', 1, 1)")
        .run(),
    ).toThrow(/CHECK constraint failed/);
  });
});
