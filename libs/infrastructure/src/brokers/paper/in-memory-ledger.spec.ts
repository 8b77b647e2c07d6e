import { InMemoryPaperLedger } from './in-memory-ledger';

describe('InMemoryPaperLedger', () => {
  it('is empty until saved, then returns what was saved', async () => {
    const l = new InMemoryPaperLedger();
    expect(await l.load()).toBeNull();
    await l.save({ USDT: { free: '1', used: '0' } });
    expect(await l.load()).toEqual({ USDT: { free: '1', used: '0' } });
    expect(l.saves).toBe(1);
  });

  it('keeps copies: changing a saved or loaded object changes nothing stored', async () => {
    const l = new InMemoryPaperLedger();
    const b = { USDT: { free: '1', used: '0' } };
    await l.save(b);
    b.USDT.free = '999';
    const loaded = (await l.load())!;
    loaded['USDT']!.free = '5';
    expect(await l.load()).toEqual({ USDT: { free: '1', used: '0' } });
  });
});
