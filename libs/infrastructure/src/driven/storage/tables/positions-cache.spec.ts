import type { PositionRecord } from '@cab/application';
import { FakeClock } from '@cab/domain/testing';
import { dec, str } from '@cab/domain';
import { aPosition } from '../../../../test/storage/fixtures';
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
    const reads = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? s.positions.get('BTC/USDT') : s.positions.save(aPosition({ baseQty: dec(String(i)) }))));
    await Promise.all(reads);
    const raw = s.connection.raw.prepare('select base_qty from positions where symbol = ?').get('BTC/USDT') as { base_qty: string };
    expect(base(await s.positions.get('BTC/USDT'))).toBe(raw.base_qty);
  });

  // A probe: a write straight to the connection bypasses the storage, so a read that still answers
  // the storage's own row came from memory, and one that answers the probe's row ran a query.
  const poke = (baseQty: string) => s.connection.raw.prepare('update positions set base_qty = ? where symbol = ?').run(baseQty, 'BTC/USDT');

  it('keeps the row a save wrote: the next read needs no query (write-through)', async () => {
    await s.positions.save(aPosition({ baseQty: dec('1') }));
    poke('7');
    const read = await s.positions.get('BTC/USDT');
    expect(base(read)).toBe('1');
    expect(read!.version).toBe(1);
    // The kept row is what a query would give back: the stored strings and the new version.
    await s.positions.save({ ...read!, baseQty: dec('2.50') }, read!.version);
    const kept = await s.positions.get('BTC/USDT');
    const raw = s.connection.raw.prepare('select base_qty, version from positions where symbol = ?').get('BTC/USDT') as { base_qty: string; version: number };
    expect([str(kept!.baseQty), kept!.version]).toEqual([dec(raw.base_qty).toString(), raw.version]);
  });

  it("keeps a transaction's rows once it commits, never when it rolls back", async () => {
    await s.positions.save(aPosition({ baseQty: dec('1') }));
    await s.unitOfWork.run(async (tx) => {
      await tx.positions.save(aPosition({ baseQty: dec('3') }), 1);
    });
    poke('8');
    expect(base(await s.positions.get('BTC/USDT'))).toBe('3');
    await expect(
      s.unitOfWork.run(async (tx) => {
        await tx.positions.save(aPosition({ baseQty: dec('9') }), 2);
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    // Nothing kept from the rolled-back save: the read queries and sees the probe's row.
    expect(base(await s.positions.get('BTC/USDT'))).toBe('8');
  });

  it('lets a transaction read through the cache until it writes a position', async () => {
    await s.positions.save(aPosition({ baseQty: dec('1') }));
    poke('4');
    await s.unitOfWork.run(async (tx) => {
      expect(base(await tx.positions.get('BTC/USDT'))).toBe('1'); // from memory
      await tx.positions.save(aPosition({ baseQty: dec('5') }), 1);
      expect(base(await tx.positions.get('BTC/USDT'))).toBe('5'); // its own write, from the database
    });
    expect(base(await s.positions.get('BTC/USDT'))).toBe('5');
  });

  it('keeps neither row when two saves overlap, so the cache never holds the older one', async () => {
    await s.positions.save(aPosition({ baseQty: dec('1') }));
    // A read after each save's own continuation: none may see a row older than the database's.
    const stored = () => (s.connection.raw.prepare('select base_qty from positions where symbol = ?').get('BTC/USDT') as { base_qty: string }).base_qty;
    const seen: Array<[string | null, string]> = [];
    const saveThenRead = (q: string) =>
      s.positions.save(aPosition({ baseQty: dec(q) })).then(() => s.positions.get('BTC/USDT').then((p) => seen.push([base(p), stored()])));
    await Promise.all([saveThenRead('2'), saveThenRead('3')]);
    for (const [read, db] of seen) expect(read).toBe(db);
    expect(base(await s.positions.get('BTC/USDT'))).toBe(stored());
    // And the same inside transactions, which commit one after the other.
    await Promise.all([
      s.unitOfWork.run((tx) => tx.positions.save(aPosition({ baseQty: dec('4') }))),
      s.unitOfWork.run((tx) => tx.positions.save(aPosition({ baseQty: dec('6') }))),
    ]);
    const after = s.connection.raw.prepare('select base_qty from positions where symbol = ?').get('BTC/USDT') as { base_qty: string };
    expect(base(await s.positions.get('BTC/USDT'))).toBe(after.base_qty);
  });

  it("never answers a transaction's row while a save queued behind it is still to land", async () => {
    // A transaction holds the connection when a plain save (an upsert) of the same symbol starts:
    // that write lands after the commit. A read in between must not get the transaction's row.
    await s.positions.save(aPosition({ baseQty: dec('1') }));
    const stored = () =>
      s.connection.raw.prepare('select base_qty, version from positions where symbol = ?').get('BTC/USDT') as { base_qty: string; version: number };
    let between: [string | null, number | undefined, string, number] | null = null;
    const tx = s.unitOfWork
      .run(async (t) => {
        await new Promise((r) => setImmediate(r));
        const p = await t.positions.get('BTC/USDT');
        await t.positions.save(aPosition({ baseQty: dec('4') }), p!.version);
      })
      .then(async () => {
        await new Promise((r) => queueMicrotask(() => r(null)));
        const got = await s.positions.get('BTC/USDT');
        const db = stored();
        between = [base(got), got?.version, db.base_qty, db.version];
      });
    await new Promise((r) => setImmediate(r));
    const plain = s.positions.save(aPosition({ baseQty: dec('9') }));
    await Promise.all([tx, plain]);
    expect(between).not.toBeNull();
    const [read, version, dbQty, dbVersion] = between!;
    expect([read, version]).toEqual([dbQty, dbVersion]);
    expect(base(await s.positions.get('BTC/USDT'))).toBe(stored().base_qty);
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
