import type { PositionRecord } from '@cab/application';
import { FakeClock } from '@cab/domain/testing';
import { dec, str } from '@cab/domain';
import { aPosition } from '../../../test/storage/fixtures';
import { openSqliteStorage, type SqliteStorage } from '../sqlite-storage';

// The cache must never answer with a row the database does not hold (or no longer holds).
describe('positions read cache', () => {
  let s: SqliteStorage;
  const base = (p: PositionRecord | null) => (p ? str(p.baseQty) : null);
  beforeEach(() => {
    s = openSqliteStorage({ path: ':memory:', allowInMemory: true, clock: new FakeClock(0) });
  });
  afterEach(() => s.close());

  it('answers repeated reads from memory and sees every save', async () => {
    expect(await s.positions.get('BTC/USDT')).toBeNull();
    await s.positions.save(aPosition({ baseQty: dec('1') }));
    const a = await s.positions.get('BTC/USDT');
    expect(base(a)).toBe('1');
    expect(await s.positions.get('BTC/USDT')).toBe(a); // the same frozen record: no query
    expect(Object.isFrozen(a)).toBe(true);
    await s.positions.save({ ...a!, baseQty: dec('2') }, a!.version);
    expect(base(await s.positions.get('BTC/USDT'))).toBe('2');
  });

  it('sees a committed transaction and forgets a rolled-back one', async () => {
    await s.positions.save(aPosition({ baseQty: dec('1') }));
    expect(base(await s.positions.get('BTC/USDT'))).toBe('1');
    await expect(
      s.unitOfWork.run(async (tx) => {
        await tx.positions.save(aPosition({ baseQty: dec('9') }));
        expect(base(await tx.positions.get('BTC/USDT'))).toBe('9');
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(base(await s.positions.get('BTC/USDT'))).toBe('1');
    await s.unitOfWork.run(async (tx) => {
      await tx.positions.save(aPosition({ baseQty: dec('3') }));
    });
    expect(base(await s.positions.get('BTC/USDT'))).toBe('3');
  });

  it('does not keep a read that a write overtook', async () => {
    await s.positions.save(aPosition({ baseQty: dec('1') }));
    const reads = Array.from({ length: 10 }, (_, i) =>
      i % 2 === 0 ? s.positions.get('BTC/USDT') : s.positions.save(aPosition({ baseQty: dec(String(i)) })),
    );
    await Promise.all(reads);
    const raw = s.connection.raw.prepare('select base_qty from positions where symbol = ?').get('BTC/USDT') as { base_qty: string };
    expect(base(await s.positions.get('BTC/USDT'))).toBe(raw.base_qty);
  });

  it('on a file, answers from memory until another connection commits, then reads again', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'cab-poscache-'));
    const file = openSqliteStorage({ path: join(dir, 'a.db'), clock: new FakeClock(0) });
    const other = openSqliteStorage({ path: join(dir, 'a.db'), clock: new FakeClock(0) });
    try {
      await file.positions.save(aPosition({ baseQty: dec('1') }));
      const first = await file.positions.get('BTC/USDT');
      expect(base(first)).toBe('1');
      expect(await file.positions.get('BTC/USDT')).toBe(first); // a hit: nobody else wrote
      await other.positions.save(aPosition({ baseQty: dec('5') }));
      expect(base(await file.positions.get('BTC/USDT'))).toBe('5');
      // Any commit by the other connection counts, not only to positions: the cache just reads again.
      const again = await file.positions.get('BTC/USDT');
      await other.audit.record({ ts: 1, kind: 'system', symbol: null, correlationId: null, summary: 'x', data: {} });
      const after = await file.positions.get('BTC/USDT');
      expect(after).not.toBe(again);
      expect(base(after)).toBe('5');
    } finally {
      await other.close();
      await file.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
