import { str } from '@cab/domain';
import { FakeClock } from '@cab/domain/testing';
import { SettableMarket } from './paper-market';

describe('SettableMarket', () => {
  it('quotes a price with a spread around it, stamped with the clock', async () => {
    const clock = new FakeClock(1_000);
    const m = new SettableMarket(clock).setPrice('BTC/USDT', '50000', '0.001');
    const t = (await m.ticker('BTC/USDT'))!;
    expect([str(t.bid), str(t.ask), str(t.last), t.ts]).toEqual(['49975', '50025', '50000', 1_000]);
    expect(await m.book('BTC/USDT')).toBeNull();
  });

  it('derives the ticker from an explicit book, and a new price drops the book', async () => {
    const m = new SettableMarket(new FakeClock());
    m.setBook('BTC/USDT', { bids: [['99', '1']], asks: [['101', '2']] });
    const t = (await m.ticker('BTC/USDT'))!;
    expect([str(t.bid), str(t.ask), str(t.last)]).toEqual(['99', '101', '100']);
    expect(str((await m.book('BTC/USDT'))!.asks[0]!.amount)).toBe('2');
    m.setTicker('BTC/USDT', { bid: '1', ask: '2', last: '1.5' });
    expect(await m.book('BTC/USDT')).toBeNull();
  });

  it('has no market for an unknown or cleared symbol', async () => {
    const m = new SettableMarket(new FakeClock()).setPrice('BTC/USDT', '1');
    m.clear('BTC/USDT');
    expect(await m.ticker('BTC/USDT')).toBeNull();
    expect(await m.ticker('ETH/USDT')).toBeNull();
  });
});
