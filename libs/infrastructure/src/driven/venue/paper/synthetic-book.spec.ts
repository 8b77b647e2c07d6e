import { dec, Instrument, str, walkBook } from '@cab/domain';
import { GATE_LIKE_INSTRUMENTS } from './gate-instruments';
import { bestLevel, DEFAULT_DEPTH, SyntheticSide, synthesizeBook } from './synthetic-book';

const btc = new Instrument(GATE_LIKE_INSTRUMENTS[0]!);
const ticker = (bid: string, ask: string, last: string) => ({ symbol: 'BTC/USDT', bid: dec(bid), ask: dec(ask), last: dec(last), ts: 1 });

describe('synthesizeBook', () => {
  it('puts the first level at the touch and steps away by stepPct, on the tick grid', () => {
    const book = synthesizeBook(ticker('49995', '50005', '50000'), btc, { ...DEFAULT_DEPTH, levels: 3 })!;
    expect(book.asks.map((l) => str(l.price))).toEqual(['50005', '50030.01', '50055.01']);
    expect(book.bids.map((l) => str(l.price))).toEqual(['49995', '49970', '49945']);
  });

  it('gives each level levelQuote of value, rounded down to the amount step', () => {
    const book = synthesizeBook(ticker('49995', '50005', '50000'), btc, { ...DEFAULT_DEPTH, levels: 1, levelQuote: '1000' })!;
    expect(str(book.asks[0]!.amount)).toBe('0.019998');
    expect(str(book.bids[0]!.amount)).toBe('0.020002');
  });

  it('builds a level only when it is read: a small order walks one level of a deep book', () => {
    const level = jest.spyOn(SyntheticSide.prototype, 'level');
    try {
      const book = synthesizeBook(ticker('49995', '50005', '50000'), btc, { ...DEFAULT_DEPTH, levels: 1000 }, 50)!;
      const fill = walkBook(book, 'buy', { quote: dec('100') });
      expect(fill.complete).toBe(true);
      expect(str(fill.bestPrice!)).toBe('50005');
      expect(level.mock.calls.every(([i]) => i <= 1)).toBe(true);
      // Anything that needs the whole side gets it, the same levels in the same order.
      expect(book.asks).toHaveLength(50);
      const eager = new SyntheticSide(dec('50005'), 1, btc, { ...DEFAULT_DEPTH, levels: 1000 }).take(50);
      expect(book.asks.map((l) => str(l.price))).toEqual(eager.map((l) => str(l.price)));
      expect([...book.asks].map((l) => str(l.amount))).toEqual(eager.map((l) => str(l.amount)));
      expect(book.asks[50]).toBeUndefined();
    } finally {
      level.mockRestore();
    }
  });

  it('is the same book for the same ticker', () => {
    const a = synthesizeBook(ticker('100', '100.02', '100.01'), btc, DEFAULT_DEPTH);
    const b = synthesizeBook(ticker('100', '100.02', '100.01'), btc, DEFAULT_DEPTH);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a!.asks).toHaveLength(DEFAULT_DEPTH.levels);
  });

  it('falls back to last ± half the fallback spread when bid/ask are unusable', () => {
    const book = synthesizeBook(ticker('0', '0', '50000'), btc, { ...DEFAULT_DEPTH, levels: 1, fallbackSpread: '0.0002' })!;
    expect(str(book.bids[0]!.price)).toBe('49995');
    expect(str(book.asks[0]!.price)).toBe('50005');
    const crossed = synthesizeBook(ticker('50010', '49990', '50000'), btc, { ...DEFAULT_DEPTH, levels: 1 })!;
    expect(crossed.bids[0]!.price.lt(crossed.asks[0]!.price)).toBe(true);
  });

  it('gives no book without any price', () => {
    expect(synthesizeBook(ticker('0', '0', '0'), btc, DEFAULT_DEPTH)).toBeNull();
  });

  it('limits the levels it materializes when asked', () => {
    const book = synthesizeBook(ticker('49995', '50005', '50000'), btc, DEFAULT_DEPTH, 2)!;
    expect(book.asks).toHaveLength(2);
    expect(book.bids).toHaveLength(2);
  });
});

describe('SyntheticSide', () => {
  it('builds levels as they are reached and gives the same ones when iterated again', () => {
    const side = new SyntheticSide(dec('100'), 1, btc, { ...DEFAULT_DEPTH, levels: 3 });
    expect(str(bestLevel(side)!.price)).toBe('100');
    const first = [...side];
    const again = [...side];
    expect(first).toHaveLength(3);
    expect(again[2]).toBe(first[2]);
    expect(side.level(3)).toBeNull();
  });

  it('stops a bid side before prices reach zero', () => {
    const side = new SyntheticSide(dec('0.02'), -1, btc, { ...DEFAULT_DEPTH, levels: 5, stepPct: '0.5' });
    expect(side.take().map((l) => str(l.price))).toEqual(['0.02', '0.01']);
  });
});
