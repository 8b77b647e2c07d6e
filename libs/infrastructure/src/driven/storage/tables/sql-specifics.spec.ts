import { dec } from '@cab/domain';
import { FakeClock } from '@cab/domain/testing';
import { openTempStorage } from '@cab/infrastructure/testing';
import { anOrder } from '../../../../test/storage/fixtures';

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

  it("keeps a paper order's amounts as decimal TEXT in str()'s form, whatever form they came in", async () => {
    const fill = { id: 'f-1', ts: 1, price: '50005.0', amount: '1e-3', cost: '50.005', fee: '0.0000020', feeCurrency: 'BTC' };
    await s.paperLedger.save(
      { USDT: { free: '1', used: '0' } },
      {
        orders: [
          {
            id: 'p-1',
            clientOrderId: null,
            symbol: 'BTC/USDT',
            side: 'buy',
            type: 'market',
            status: 'closed',
            price: null,
            requestedQuote: '100.0100',
            requestedBase: null,
            filledBase: '0.0020',
            filledQuote: '100.0100',
            averagePrice: '50005.00',
            fee: '4e-6',
            feeCurrency: 'BTC',
            createdAt: 1,
            updatedAt: 1,
            fills: [fill],
          },
        ],
      },
    );
    const row = s.connection.raw
      .prepare('SELECT requested_quote, filled_base, filled_quote, average_price, fee, typeof(fee) t, fills FROM paper_orders')
      .get() as Record<string, string>;
    expect({ ...row, fills: JSON.parse(row['fills'] as string) as unknown }).toEqual({
      requested_quote: '100.01',
      filled_base: '0.002',
      filled_quote: '100.01',
      average_price: '50005',
      fee: '0.000004',
      t: 'text',
      fills: [expect.objectContaining({ price: '50005', amount: '0.001', fee: '0.000002' })],
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
        .prepare(
          "INSERT INTO orders (bot_id, client_order_id, exchange, symbol, side, type, status, created_at, updated_at) VALUES ('default', 'x', 'paper', 'BTC/USDT', 'hold', 'market', 'new', 1, 1)",
        )
        .run(),
    ).toThrow(/CHECK constraint failed/);
  });
});
