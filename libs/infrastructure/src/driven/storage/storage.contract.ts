import type {
  AuditLog,
  CandleRepository,
  DeadLetterQueue,
  FillsRepository,
  IdempotencyStore,
  OrdersRepository,
  OrderWriteAhead,
  PaperLedgerStore,
  PaperOrderRecord,
  PositionsRepository,
  SafetyStateStore,
  UnitOfWork,
} from '@cab/application';
import { unitOfWorkWriteAhead } from '@cab/application';
import { dec, str, type Candle } from '@cab/domain';
import { FakeClock } from '@cab/domain/testing';
import { aFill, anOrder, aPosition } from '../../../test/storage/fixtures';
import type { BotSummary } from './tables/bot-list';

/** The storage ports one implementation provides. */
export interface StorageUnderTest {
  orders: OrdersRepository;
  fills: FillsRepository;
  positions: PositionsRepository;
  idempotency: IdempotencyStore;
  audit: AuditLog;
  candles: CandleRepository;
  dlq: DeadLetterQueue;
  paperLedger: PaperLedgerStore;
  safety: SafetyStateStore;
  unitOfWork: UnitOfWork;
  /** The store's own write-ahead; without one, the unit of work's (`unitOfWorkWriteAhead`) is held to the same contract. */
  writeAhead?: OrderWriteAhead;
}

/**
 * One contract for every implementation of the storage ports (SQLite here, in-memory in
 * @cab/application/testing, Postgres in storage.contract.postgres.spec.ts): the same specs, so a fake used in application specs
 * cannot drift from the real adapter.
 */
export function storageContract(
  name: string,
  make: (
    clock: FakeClock,
  ) => { storage: StorageUnderTest; dispose: () => Promise<void> } | Promise<{ storage: StorageUnderTest; dispose: () => Promise<void> }>,
): void {
  describe(`storage contract: ${name}`, () => {
    let clock: FakeClock;
    let s: StorageUnderTest;
    let dispose: () => Promise<void>;

    beforeEach(async () => {
      clock = new FakeClock(1_700_000_000_000);
      ({ storage: s, dispose } = await make(clock));
    });
    afterEach(() => dispose());

    describe('orders', () => {
      it('round-trips every field with decimals exact', async () => {
        const o = anOrder({
          clientOrderId: 'cab-a',
          exchangeOrderId: 'x-9',
          requestedQuote: dec('100.123456789012345678901234567890'),
          filledBase: dec('0.00000001'),
          filledQuote: dec('0.3'),
          averagePrice: dec('30000000.000000000001'),
          fee: dec('1e-8'),
          feeCurrency: 'BTC',
          idempotencyKey: 'k-1',
          status: 'partial',
        });
        expect(await s.orders.insert(o)).toEqual({ ok: true });
        const back = await s.orders.byClientOrderId('cab-a');
        expect(back && { ...back, requestedQuote: str(back.requestedQuote!), fee: str(back.fee), averagePrice: str(back.averagePrice!) }).toEqual({
          ...o,
          requestedQuote: '100.12345678901234567890123456789',
          fee: '0.00000001',
          averagePrice: '30000000.000000000001',
          filledBase: dec('0.00000001'),
          filledQuote: dec('0.3'),
        });
        expect(await s.orders.byExchangeOrderId('paper', 'x-9')).toEqual(back);
        expect(await s.orders.byExchangeOrderId('gate', 'x-9')).toBeNull();
      });

      it('reports a duplicate client or exchange order id as a value', async () => {
        await s.orders.insert(anOrder({ clientOrderId: 'cab-a', exchangeOrderId: 'x-1' }));
        expect(await s.orders.insert(anOrder({ clientOrderId: 'cab-a' }))).toMatchObject({ ok: false, code: 'ORDER.DUPLICATE_CLIENT_ID' });
        expect(await s.orders.insert(anOrder({ clientOrderId: 'cab-b', exchangeOrderId: 'x-1' }))).toMatchObject({
          ok: false,
          code: 'ORDER.DUPLICATE_EXCHANGE_ID',
        });
        // The same venue id on another exchange is a different order.
        expect(await s.orders.insert(anOrder({ clientOrderId: 'cab-c', exchange: 'gate', exchangeOrderId: 'x-1' }))).toEqual({ ok: true });
      });

      it('updates with an optional compare-and-set on the status', async () => {
        await s.orders.insert(anOrder({ clientOrderId: 'cab-a' }));
        const sent = await s.orders.update('cab-a', { status: 'submitted', exchangeOrderId: 'x-1', updatedAt: 5 }, 'new');
        expect(sent).toMatchObject({ status: 'submitted', exchangeOrderId: 'x-1', updatedAt: 5, reason: 'signal: test' });
        expect(await s.orders.update('cab-a', { status: 'canceled', updatedAt: 6 }, 'new')).toBeNull();
        expect((await s.orders.byClientOrderId('cab-a'))?.status).toBe('submitted');
        const filled = await s.orders.update('cab-a', { status: 'filled', filledBase: dec('0.002'), averagePrice: dec('50000'), updatedAt: 7 });
        expect(filled && [filled.status, str(filled.filledBase), str(filled.averagePrice!)]).toEqual(['filled', '0.002', '50000']);
        expect(await s.orders.update('nope', { status: 'filled', updatedAt: 8 })).toBeNull();
      });

      it('lists open orders and finds by symbol, status and time, newest first', async () => {
        await s.orders.insert(anOrder({ clientOrderId: 'a', status: 'submitted', createdAt: 1 }));
        await s.orders.insert(anOrder({ clientOrderId: 'b', status: 'filled', createdAt: 2 }));
        await s.orders.insert(anOrder({ clientOrderId: 'c', status: 'in_flight', createdAt: 3, symbol: 'ETH/USDT' }));
        await s.orders.insert(anOrder({ clientOrderId: 'd', status: 'partial', createdAt: 4 }));
        expect((await s.orders.open()).map((o) => o.clientOrderId)).toEqual(['a', 'c', 'd']);
        expect((await s.orders.open('BTC/USDT')).map((o) => o.clientOrderId)).toEqual(['a', 'd']);
        expect((await s.orders.find()).map((o) => o.clientOrderId)).toEqual(['d', 'c', 'b', 'a']);
        expect((await s.orders.find({ statuses: ['filled', 'partial'], since: 2, limit: 1 })).map((o) => o.clientOrderId)).toEqual(['d']);
        expect(await s.orders.find({ statuses: [] })).toEqual([]);
        await expect(s.orders.find({ limit: 0 })).rejects.toThrow(RangeError);
      });
    });

    describe('fills', () => {
      beforeEach(async () => {
        await s.orders.insert(anOrder({ clientOrderId: 'cab-1' }));
      });

      it('stores a trade once: replays and repeats are reported as duplicates, not counted', async () => {
        const f1 = aFill({ tradeId: 't-1', ts: 10 });
        const f2 = aFill({ tradeId: 't-2', ts: 11, amount: dec('0.002') });
        const first = await s.fills.insertMany([f1, f2, f1]);
        expect(first.inserted.map((f) => f.tradeId)).toEqual(['t-1', 't-2']);
        expect(first.duplicates).toBe(1);
        const replay = await s.fills.insertMany([f2, aFill({ tradeId: 't-3', ts: 12 }), f1]);
        expect(replay.inserted.map((f) => f.tradeId)).toEqual(['t-3']);
        expect(replay.duplicates).toBe(2);
        const stored = await s.fills.byOrder('cab-1');
        expect(stored.map((f) => f.tradeId)).toEqual(['t-1', 't-2', 't-3']);
        expect(stored[1]).toEqual(f2);
        // The same trade id on another exchange is another trade.
        await s.orders.insert(anOrder({ clientOrderId: 'g-1', exchange: 'gate' }));
        expect((await s.fills.insertMany([aFill({ exchange: 'gate', clientOrderId: 'g-1', ts: 5 })])).inserted).toHaveLength(1);
        expect((await s.fills.bySymbol('BTC/USDT', 11)).map((f) => f.tradeId)).toEqual(['t-2', 't-3']);
        expect(await s.fills.insertMany([])).toEqual({ inserted: [], duplicates: 0 });
      });

      it('deduplicates batches larger than one INSERT (chunked) exactly like small ones', async () => {
        const many = Array.from({ length: 1203 }, (_, i) => aFill({ tradeId: `m-${i}`, ts: i }));
        const first = await s.fills.insertMany([...many.slice(0, 600), many[5]!, ...many.slice(600)]);
        expect(first.inserted).toHaveLength(1203);
        expect(first.duplicates).toBe(1);
        expect(first.inserted.map((f) => f.tradeId)).toEqual(many.map((f) => f.tradeId));
        const again = await s.fills.insertMany([...many, aFill({ tradeId: 'new-one' })]);
        expect(again.inserted.map((f) => f.tradeId)).toEqual(['new-one']);
        expect(again.duplicates).toBe(1203);
      });

      it('refuses a fill for an unknown order, and inserts none of the batch', async () => {
        // Matched on the message, not with toThrow: better-sqlite3's native addon is loaded once per
        // jest worker, so its SqliteError may come from another spec file's realm and fail `instanceof Error`.
        await expect(s.fills.insertMany([aFill({ tradeId: 'ok-1' }), aFill({ tradeId: 'orphan', clientOrderId: 'unknown' })])).rejects.toMatchObject({
          // SQLite's wording, then Postgres's.
          message: expect.stringMatching(/FOREIGN KEY constraint failed|violates foreign key constraint/),
        });
        expect(await s.fills.byOrder('cab-1')).toEqual([]);
      });
    });

    describe('positions', () => {
      it('saves, bumps the version and guards against lost updates', async () => {
        const p = aPosition({ baseQty: dec('0.5'), avgEntry: dec('100.25'), peakPrice: dec('110'), stopPrice: dec('95'), trailingActive: true, openedAt: 3 });
        expect(await s.positions.save(p, 0)).toEqual({ ok: true, version: 1 });
        expect(await s.positions.save(p, 0)).toMatchObject({ ok: false, code: 'POSITION.VERSION_CONFLICT' });
        expect(await s.positions.save({ ...p, baseQty: dec('0.7') }, 1)).toEqual({ ok: true, version: 2 });
        expect(await s.positions.save({ ...p, baseQty: dec('0.9') }, 1)).toMatchObject({ ok: false, code: 'POSITION.VERSION_CONFLICT' });
        expect(await s.positions.save({ ...p, baseQty: dec('1.1'), trailingActive: false })).toEqual({ ok: true, version: 3 });
        const back = await s.positions.get('BTC/USDT');
        expect(back).toEqual({ ...p, baseQty: dec('1.1'), trailingActive: false, version: 3 });
        expect(await s.positions.save(aPosition({ symbol: 'ETH/USDT' }))).toEqual({ ok: true, version: 1 });
        expect((await s.positions.all()).map((x) => x.symbol)).toEqual(['BTC/USDT', 'ETH/USDT']);
        expect(await s.positions.get('XRP/USDT')).toBeNull();
      });
    });

    describe('idempotency keys', () => {
      it('reserves a key once while it lives, and again after its TTL', async () => {
        expect(await s.idempotency.reserve('k', 60_000, 'cab-1')).toEqual({ ok: true, key: 'k', expiresAt: clock.now() + 60_000 });
        clock.advance(59_999);
        expect(await s.idempotency.reserve('k', 60_000, 'cab-2')).toEqual({
          ok: false,
          code: 'IDEMPOTENCY.TAKEN',
          key: 'k',
          expiresAt: 1_700_000_060_000,
          ref: 'cab-1',
        });
        clock.advance(1);
        const again = await s.idempotency.reserve('k', 60_000, 'cab-2');
        expect(again).toEqual({ ok: true, key: 'k', expiresAt: clock.now() + 60_000 });
        expect(await s.idempotency.get('k')).toEqual({ key: 'k', ref: 'cab-2', createdAt: clock.now(), expiresAt: clock.now() + 60_000 });
      });

      it('releases and purges', async () => {
        await s.idempotency.reserve('a', 1000);
        await s.idempotency.reserve('b', 5000);
        expect(await s.idempotency.release('a')).toBe(true);
        expect(await s.idempotency.release('a')).toBe(false);
        expect((await s.idempotency.reserve('a', 1000)).ok).toBe(true);
        clock.advance(1000);
        expect(await s.idempotency.purgeExpired()).toBe(1);
        expect(await s.idempotency.get('a')).toBeNull();
        expect(await s.idempotency.get('b')).not.toBeNull();
        await expect(s.idempotency.reserve('c', 0)).rejects.toThrow(RangeError);
      });
    });

    describe('audit', () => {
      it('records decisions with their reasons and finds them newest first', async () => {
        const risk = {
          ts: 10,
          kind: 'risk' as const,
          symbol: 'BTC/USDT',
          correlationId: 'c-1',
          summary: 'blocked: daily loss',
          data: { ok: false, reasons: ['RISK.DAILY_LOSS'], limits: { dailyLossQuote: '50', lossToday: '50.01' } },
        };
        const id1 = await s.audit.record({ ts: 9, kind: 'signal', symbol: 'BTC/USDT', correlationId: 'c-1', summary: 'buy', data: { action: 'buy' } });
        const id2 = await s.audit.record(risk);
        await s.audit.record({ ts: 11, kind: 'reconcile', symbol: null, correlationId: null, summary: 'adopted order', data: {} });
        expect(id2).toBeGreaterThan(id1);
        expect(await s.audit.find({ kind: 'risk' })).toEqual([{ id: id2, ...risk }]);
        expect((await s.audit.find({ correlationId: 'c-1' })).map((a) => a.kind)).toEqual(['risk', 'signal']);
        expect((await s.audit.find({ since: 10, limit: 1 })).map((a) => a.kind)).toEqual(['reconcile']);
        expect((await s.audit.find({ symbol: 'BTC/USDT' })).length).toBe(2);
      });

      it('records several entries at once, in order, and nothing of a batch that fails', async () => {
        const e = (ts: number, summary: string) => ({ ts, kind: 'order' as const, symbol: 'BTC/USDT', correlationId: 'c-2', summary, data: { n: ts } });
        await s.audit.recordAll([]);
        await s.audit.recordAll([e(1, 'one')]);
        await s.audit.recordAll([e(2, 'two'), e(2, 'three'), e(3, 'four')]);
        const all = await s.audit.find({ correlationId: 'c-2' });
        expect(all.map((a) => a.summary)).toEqual(['four', 'three', 'two', 'one']);
        expect(all.map((a) => a.id)).toEqual([...all.map((a) => a.id)].sort((a, b) => b - a));
        expect(all[0]).toMatchObject(e(3, 'four'));
        const notJson = { ...e(4, 'bad'), data: { n: 1n as unknown as number } };
        await expect(s.audit.recordAll([e(4, 'good'), notJson])).rejects.toThrow();
        expect((await s.audit.find({ correlationId: 'c-2' })).length).toBe(4);
      });
    });

    describe('candles', () => {
      const key = { exchange: 'gate', symbol: 'BTC/USDT', timeframe: '1m' };
      const bar = (ts: number, close: number): Candle => ({ ts, open: 0.1 + 0.2, high: close + 1, low: close - 1, close, volume: 1e-7 });

      it('upserts by open time and returns exact doubles, oldest first', async () => {
        expect(await s.candles.upsert(key, [bar(0, 100.1), bar(60_000, 100.2), bar(120_000, 100.3)])).toBe(3);
        await s.candles.upsert(key, [bar(120_000, 99.9)]);
        const all = await s.candles.range(key, 0, 180_000);
        expect(all).toEqual([bar(0, 100.1), bar(60_000, 100.2), bar(120_000, 99.9)]);
        expect(all[0]?.open).toBe(0.1 + 0.2);
        expect(await s.candles.latest(key, 2)).toEqual([bar(60_000, 100.2), bar(120_000, 99.9)]);
        expect(await s.candles.range({ ...key, timeframe: '5m' }, 0, 180_000)).toEqual([]);
        await expect(s.candles.upsert(key, [bar(180_000, Number.NaN)])).rejects.toThrow(/finite/);
        expect(await s.candles.latest(key, 10)).toHaveLength(3);
      });
    });

    describe('dead letters', () => {
      it('pushes, lists, counts and removes', async () => {
        const id = await s.dlq.push({ ts: 1, topic: 'trade.completed', subscriber: 'telegram', payload: '{"a":1}', error: 'boom', attempts: 1 });
        await s.dlq.push({ ts: 2, topic: 'order.filled', subscriber: null, payload: '{}', error: 'x', attempts: 3 });
        expect(await s.dlq.count()).toBe(2);
        expect((await s.dlq.list({ topic: 'trade.completed' }))[0]).toEqual({
          id,
          ts: 1,
          topic: 'trade.completed',
          subscriber: 'telegram',
          payload: '{"a":1}',
          error: 'boom',
          attempts: 1,
        });
        expect(await s.dlq.remove(id)).toBe(true);
        expect(await s.dlq.remove(id)).toBe(false);
        expect(await s.dlq.count()).toBe(1);
      });
    });

    describe('paper ledger', () => {
      it('is empty on first start, then keeps exactly what was saved', async () => {
        expect(await s.paperLedger.load()).toBeNull();
        await s.paperLedger.save({ USDT: { free: '1000.10', used: '0' }, BTC: { free: '0.00000001', used: '0.5' } });
        await s.paperLedger.save({ USDT: { free: '900.1', used: '100' } });
        expect(await s.paperLedger.load()).toEqual({ USDT: { free: '900.1', used: '100' } });
        await expect(s.paperLedger.save({ USDT: { free: 'lots', used: '0' } })).rejects.toThrow(/not a decimal/);
        expect(await s.paperLedger.load()).toEqual({ USDT: { free: '900.1', used: '100' } });
      });

      it('saves orders with the balances, replaces one by id in place, and forgets finished ones (never open ones) before a time', async () => {
        const order = (id: string, status: PaperOrderRecord['status'], updatedAt: number, fills = 0): PaperOrderRecord => ({
          id,
          clientOrderId: `c-${id}`,
          symbol: 'BTC/USDT',
          side: 'buy',
          type: status === 'open' ? 'limit' : 'market',
          status,
          price: status === 'open' ? '40000' : null,
          requestedQuote: status === 'open' ? null : '100',
          requestedBase: status === 'open' ? '0.01' : null,
          filledBase: fills > 0 ? '0.002' : '0',
          filledQuote: fills > 0 ? '100.01' : '0',
          averagePrice: fills > 0 ? '50005' : null,
          fee: fills > 0 ? '0.000004' : '0',
          feeCurrency: fills > 0 ? 'BTC' : null,
          createdAt: updatedAt,
          updatedAt,
          fills: Array.from({ length: fills }, (_, k) => ({
            id: `${id}-f${k}`,
            ts: updatedAt,
            price: '50005',
            amount: '0.001',
            cost: '50.005',
            fee: '0.000002',
            feeCurrency: 'BTC',
          })),
        });
        expect(await s.paperLedger.loadOrders(0)).toEqual([]);
        await s.paperLedger.save({ USDT: { free: '9900', used: '0' } }, { orders: [order('a', 'closed', 1000, 2)] });
        await s.paperLedger.save({ USDT: { free: '9500', used: '400' } }, { orders: [order('b', 'open', 2000)] });
        await s.paperLedger.save({ USDT: { free: '9400', used: '400' } }, { orders: [order('c', 'closed', 3000, 1)] });
        expect(await s.paperLedger.loadOrders(0)).toEqual([order('a', 'closed', 1000, 2), order('b', 'open', 2000), order('c', 'closed', 3000, 1)]);
        // Canceling b replaces it where it was (restore order is first-save order).
        await s.paperLedger.save({ USDT: { free: '9800', used: '0' } }, { orders: [{ ...order('b', 'open', 2000), status: 'canceled', updatedAt: 4000 }] });
        expect((await s.paperLedger.loadOrders(0)).map((o) => [o.id, o.status])).toEqual([
          ['a', 'closed'],
          ['b', 'canceled'],
          ['c', 'closed'],
        ]);
        // A bad amount in an order fails the whole save: the balances stay as they were.
        await expect(s.paperLedger.save({ USDT: { free: '1', used: '0' } }, { orders: [{ ...order('d', 'closed', 5000), fee: 'lots' }] })).rejects.toThrow(
          /not a decimal/,
        );
        expect(await s.paperLedger.load()).toEqual({ USDT: { free: '9800', used: '0' } });
        // Forgetting on save and on load: finished orders before the time go, an open one never does.
        await s.paperLedger.save({ USDT: { free: '9400', used: '400' } }, { orders: [order('e', 'open', 500)], forgetFinishedBefore: 2000 });
        expect((await s.paperLedger.loadOrders(0)).map((o) => o.id)).toEqual(['b', 'c', 'e']);
        expect((await s.paperLedger.loadOrders(3500)).map((o) => o.id)).toEqual(['b', 'e']);
        expect((await s.paperLedger.loadOrders(0)).map((o) => o.id)).toEqual(['b', 'e']);
        // Amounts come back in str()'s form whatever form they came in (what the SQL adapter stores is checked in sql-specifics.spec.ts).
        await s.paperLedger.save({ USDT: { free: '1', used: '0' } }, { orders: [{ ...order('f', 'closed', 9000, 1), filledQuote: '100.0100', fee: '4e-6' }] });
        const f = (await s.paperLedger.loadOrders(0)).find((o) => o.id === 'f');
        expect([f?.filledQuote, f?.fee]).toEqual(['100.01', '0.000004']);
      });
    });

    describe('safety state (halts, trade cursors)', () => {
      it('keeps one halt per code, replaces it on save, and forgets it on remove', async () => {
        await s.safety.saveHalt({ code: 'OPERATOR', level: 'halted', reason: 'maintenance', since: 1_000 });
        await s.safety.saveHalt({ code: 'RISK.DAILY_LOSS', level: 'reducing', reason: 'lost 60', since: 2_000 });
        await s.safety.saveHalt({ code: 'OPERATOR', level: 'halted', reason: 'maintenance, longer', since: 1_000 });
        expect(await s.safety.halts()).toEqual([
          { code: 'OPERATOR', level: 'halted', reason: 'maintenance, longer', since: 1_000 },
          { code: 'RISK.DAILY_LOSS', level: 'reducing', reason: 'lost 60', since: 2_000 },
        ]);
        await s.safety.removeHalt('OPERATOR');
        await s.safety.removeHalt('NOT.THERE');
        expect((await s.safety.halts()).map((h) => h.code)).toEqual(['RISK.DAILY_LOSS']);
      });

      it('keeps one trade cursor per symbol, replaced on save', async () => {
        await s.safety.saveTradeCursor({ symbol: 'ETH/USDT', tradesSince: 5_000, unreadSince: 4_000 });
        await s.safety.saveTradeCursor({ symbol: 'BTC/USDT', tradesSince: 1_000, unreadSince: null });
        await s.safety.saveTradeCursor({ symbol: 'ETH/USDT', tradesSince: 6_000, unreadSince: null });
        expect(await s.safety.tradeCursors()).toEqual([
          { symbol: 'BTC/USDT', tradesSince: 1_000, unreadSince: null },
          { symbol: 'ETH/USDT', tradesSince: 6_000, unreadSince: null },
        ]);
      });
    });

    describe('unit of work', () => {
      it('writes order, fills and position in one transaction and reports only new fills', async () => {
        await s.orders.insert(anOrder({ clientOrderId: 'cab-1', status: 'submitted' }));
        const fills = [aFill({ tradeId: 't-1' }), aFill({ tradeId: 't-2', amount: dec('0.004') })];
        const record = () =>
          s.unitOfWork.run(async (tx) => {
            await tx.orders.update('cab-1', { status: 'filled', filledBase: dec('0.005'), updatedAt: clock.now() });
            const { inserted } = await tx.fills.insertMany(fills);
            const pos = (await tx.positions.get('BTC/USDT')) ?? aPosition();
            const added = inserted.reduce((acc, f) => acc.plus(f.amount), dec('0'));
            await tx.positions.save({ ...pos, baseQty: pos.baseQty.plus(added) });
            return inserted.length;
          });
        expect(await record()).toBe(2);
        expect(await record()).toBe(0); // a replay changes nothing
        expect(str((await s.positions.get('BTC/USDT'))!.baseQty)).toBe('0.005');
      });

      it('rolls everything back when the work throws', async () => {
        await expect(
          s.unitOfWork.run(async (tx) => {
            await tx.orders.insert(anOrder({ clientOrderId: 'doomed' }));
            await tx.fills.insertMany([aFill({ clientOrderId: 'doomed', tradeId: 'd-1' })]);
            await tx.idempotency.reserve('doomed-key', 1000);
            await tx.audit.record({ ts: 1, kind: 'order', symbol: null, correlationId: null, summary: 'x', data: {} });
            await tx.positions.save(aPosition({ baseQty: dec('1') }));
            throw new Error('crash before commit');
          }),
        ).rejects.toThrow('crash before commit');
        expect(await s.orders.byClientOrderId('doomed')).toBeNull();
        expect(await s.fills.byOrder('doomed')).toEqual([]);
        expect(await s.idempotency.get('doomed-key')).toBeNull();
        expect(await s.audit.find()).toEqual([]);
        expect(await s.positions.get('BTC/USDT')).toBeNull();
      });

      it('queues concurrent runs in one process instead of interleaving them', async () => {
        await s.positions.save(aPosition({ baseQty: dec('0') }));
        const bump = () =>
          s.unitOfWork.run(async (tx) => {
            const p = (await tx.positions.get('BTC/USDT'))!;
            await new Promise((r) => setImmediate(r));
            await tx.positions.save({ ...p, baseQty: p.baseQty.plus('1') }, p.version);
          });
        await Promise.all(Array.from({ length: 20 }, bump));
        expect(str((await s.positions.get('BTC/USDT'))!.baseQty)).toBe('20');
      });
    });

    describe('order write-ahead', () => {
      const writeAhead = (o: Parameters<OrderWriteAhead['writeAhead']>[0], ttlMs = 60_000) =>
        (s.writeAhead ?? unitOfWorkWriteAhead(s.unitOfWork)).writeAhead(o, ttlMs);

      it('commits the key (ref: the client order id) and the order row, every field exact', async () => {
        const o = anOrder({
          clientOrderId: 'cab-w1',
          idempotencyKey: 'k-1',
          requestedQuote: dec('100.123456789012345678901234567890'),
          requestedBase: null,
          status: 'new',
          reason: 'ema cross',
        });
        expect(await writeAhead(o)).toEqual({ ok: true });
        expect(await s.orders.byClientOrderId('cab-w1')).toEqual(o);
        expect(await s.idempotency.get('k-1')).toEqual({ key: 'k-1', ref: 'cab-w1', createdAt: clock.now(), expiresAt: clock.now() + 60_000 });
      });

      it('refuses a live key with nothing written, and takes an expired one over', async () => {
        expect(await writeAhead(anOrder({ clientOrderId: 'cab-w1', idempotencyKey: 'k-1' }))).toEqual({ ok: true });
        clock.advance(59_999);
        expect(await writeAhead(anOrder({ clientOrderId: 'cab-w2', idempotencyKey: 'k-1' }))).toEqual({ ok: false, code: 'IDEMPOTENCY.TAKEN' });
        expect(await s.orders.byClientOrderId('cab-w2')).toBeNull();
        expect((await s.idempotency.get('k-1'))?.ref).toBe('cab-w1');
        clock.advance(1);
        expect(await writeAhead(anOrder({ clientOrderId: 'cab-w2', idempotencyKey: 'k-1' }))).toEqual({ ok: true });
        expect((await s.idempotency.get('k-1'))?.ref).toBe('cab-w2');
        expect((await s.orders.byClientOrderId('cab-w2'))?.clientOrderId).toBe('cab-w2');
      });

      it('refuses an order whose client or exchange order id is stored, and rolls its key back', async () => {
        await s.orders.insert(anOrder({ clientOrderId: 'cab-w1', exchangeOrderId: 'x-1', idempotencyKey: 'k-0' }));
        expect(await writeAhead(anOrder({ clientOrderId: 'cab-w1', idempotencyKey: 'k-1' }))).toEqual({ ok: false, code: 'ORDER.DUPLICATE' });
        expect(await writeAhead(anOrder({ clientOrderId: 'cab-w2', exchangeOrderId: 'x-1', idempotencyKey: 'k-2' }))).toEqual({
          ok: false,
          code: 'ORDER.DUPLICATE',
        });
        expect(await s.idempotency.get('k-1')).toBeNull();
        expect(await s.idempotency.get('k-2')).toBeNull();
        expect((await s.orders.find()).map((o) => o.clientOrderId)).toEqual(['cab-w1']);
      });

      it('writes an order without a key as its row alone; a bad TTL with a key rejects and writes nothing', async () => {
        expect(await writeAhead(anOrder({ clientOrderId: 'cab-w1', idempotencyKey: null }))).toEqual({ ok: true });
        expect((await s.orders.byClientOrderId('cab-w1'))?.idempotencyKey).toBeNull();
        await expect(writeAhead(anOrder({ clientOrderId: 'cab-w2', idempotencyKey: 'k-2' }), 0)).rejects.toThrow(RangeError);
        expect(await s.orders.byClientOrderId('cab-w2')).toBeNull();
        expect(await s.idempotency.get('k-2')).toBeNull();
      });

      it('runs beside units of work asked at the same moment, each all-or-nothing', async () => {
        const units = Array.from({ length: 10 }, (_, i) =>
          s.unitOfWork.run(async (tx) => {
            await tx.orders.insert(anOrder({ clientOrderId: `u-${i}`, idempotencyKey: null }));
            await new Promise((r) => setImmediate(r));
            if (i % 2 === 1) throw new Error('odd units crash');
          }),
        );
        const aheads = Array.from({ length: 10 }, (_, i) => writeAhead(anOrder({ clientOrderId: `w-${i}`, idempotencyKey: `k-${i}` })));
        const settled = await Promise.allSettled([...units, ...aheads]);
        expect(settled.filter((r) => r.status === 'rejected')).toHaveLength(5);
        const ids = (await s.orders.find()).map((o) => o.clientOrderId).sort();
        expect(ids).toEqual([...['u-0', 'u-2', 'u-4', 'u-6', 'u-8'], ...Array.from({ length: 10 }, (_, i) => `w-${i}`)].sort());
        for (let i = 0; i < 10; i++) expect((await s.idempotency.get(`k-${i}`))?.ref).toBe(`w-${i}`);
      });

      it('waits for a unit of work in flight instead of joining its transaction', async () => {
        let written: Promise<unknown> | null = null;
        const doomed = s.unitOfWork.run(async (tx) => {
          await tx.orders.insert(anOrder({ clientOrderId: 'doomed', idempotencyKey: null }));
          // Asked while this transaction is open: it must not run inside it (and be rolled back with it).
          written = writeAhead(anOrder({ clientOrderId: 'cab-w1', idempotencyKey: 'k-1' }));
          await new Promise((r) => setImmediate(r));
          throw new Error('crash before commit');
        });
        await expect(doomed).rejects.toThrow('crash before commit');
        expect(await written).toEqual({ ok: true });
        expect((await s.orders.find()).map((o) => o.clientOrderId)).toEqual(['cab-w1']);
        expect((await s.idempotency.get('k-1'))?.ref).toBe('cab-w1');
      });
    });
  });
}

/** A storage on a database that other bots share: it can list them (the dashboard's bot list). */
export interface SharedStorageUnderTest extends StorageUnderTest {
  bots(): Promise<BotSummary[]>;
}

/**
 * BOT_ID (docs/postgres.md): two storages on one database, each with its own bot id, write the
 * same keys (client order ids, trade ids, symbols, idempotency keys, halt codes, currencies, paper
 * order ids) and never see, replace or delete each other's rows. Candles are shared on purpose.
 */
export function botIsolationContract(
  name: string,
  make: (clock: FakeClock) => Promise<{ a: SharedStorageUnderTest; b: SharedStorageUnderTest; dispose: () => Promise<void> }>,
): void {
  describe(`BOT_ID isolation: ${name}`, () => {
    let clock: FakeClock;
    let a: SharedStorageUnderTest;
    let b: SharedStorageUnderTest;
    let dispose: () => Promise<void>;

    beforeEach(async () => {
      clock = new FakeClock(1_700_000_000_000);
      ({ a, b, dispose } = await make(clock));
    });
    afterEach(() => dispose());

    /** The same trade, written by one bot through every port. */
    async function trade(s: StorageUnderTest, qty: string, tag: string): Promise<void> {
      expect(await s.orders.insert(anOrder({ clientOrderId: 'cab-1', exchangeOrderId: 'x-1', status: 'submitted', reason: tag }))).toEqual({ ok: true });
      await s.unitOfWork.run(async (tx) => {
        const { inserted } = await tx.fills.insertMany([aFill({ tradeId: 't-1', amount: dec(qty) })]);
        expect(inserted).toHaveLength(1);
        expect(await tx.positions.save(aPosition({ baseQty: dec(qty) }), 0)).toEqual({ ok: true, version: 1 });
        await tx.audit.record({ ts: clock.now(), kind: 'order', symbol: 'BTC/USDT', correlationId: 'c-1', summary: tag, data: { qty } });
      });
      expect((await s.idempotency.reserve('k-1', 60_000, tag)).ok).toBe(true);
      await s.safety.saveHalt({ code: 'OPERATOR', level: 'halted', reason: tag, since: 1 });
      await s.safety.saveTradeCursor({ symbol: 'BTC/USDT', tradesSince: tag === 'a' ? 10 : 20, unreadSince: null });
      await s.dlq.push({ ts: 1, topic: 'order.filled', subscriber: tag, payload: '{}', error: 'boom', attempts: 1 });
      await s.paperLedger.save(
        { USDT: { free: qty, used: '0' } },
        {
          orders: [
            {
              id: 'p-1',
              clientOrderId: 'cab-1',
              symbol: 'BTC/USDT',
              side: 'buy',
              type: 'market',
              status: 'closed',
              price: null,
              requestedQuote: qty,
              requestedBase: null,
              filledBase: qty,
              filledQuote: qty,
              averagePrice: '1',
              fee: '0',
              feeCurrency: 'USDT',
              createdAt: 1,
              updatedAt: 1,
              fills: [],
            },
          ],
        },
      );
    }

    it('writes the same keys for two bots side by side, and each reads only its own', async () => {
      await trade(a, '1.5', 'a');
      await trade(b, '2.25', 'b');
      for (const [s, qty, tag, since] of [
        [a, '1.5', 'a', 10],
        [b, '2.25', 'b', 20],
      ] as const) {
        expect((await s.orders.byClientOrderId('cab-1'))?.reason).toBe(tag);
        expect((await s.orders.byExchangeOrderId('paper', 'x-1'))?.reason).toBe(tag);
        expect((await s.orders.open()).map((o) => o.reason)).toEqual([tag]);
        expect((await s.orders.find()).map((o) => o.reason)).toEqual([tag]);
        expect((await s.fills.byOrder('cab-1')).map((f) => str(f.amount))).toEqual([qty]);
        expect((await s.fills.bySymbol('BTC/USDT')).map((f) => str(f.amount))).toEqual([qty]);
        expect((await s.positions.all()).map((p) => str(p.baseQty))).toEqual([qty]);
        expect(str((await s.positions.get('BTC/USDT'))!.baseQty)).toBe(qty);
        expect((await s.audit.find()).map((e) => e.summary)).toEqual([tag]);
        expect((await s.idempotency.get('k-1'))?.ref).toBe(tag);
        expect(await s.safety.halts()).toEqual([{ code: 'OPERATOR', level: 'halted', reason: tag, since: 1 }]);
        expect(await s.safety.tradeCursors()).toEqual([{ symbol: 'BTC/USDT', tradesSince: since, unreadSince: null }]);
        expect((await s.dlq.list()).map((d) => d.subscriber)).toEqual([tag]);
        expect(await s.dlq.count()).toBe(1);
        expect(await s.paperLedger.load()).toEqual({ USDT: { free: qty, used: '0' } });
        expect((await s.paperLedger.loadOrders(0)).map((o) => o.filledBase)).toEqual([qty]);
      }
    });

    it("never updates, takes over or deletes another bot's rows", async () => {
      await trade(a, '1.5', 'a');
      // b cannot touch a's order, position, key, halt, dead letter or paper account.
      expect(await b.orders.update('cab-1', { status: 'canceled', updatedAt: 2 })).toBeNull();
      expect(await b.positions.save(aPosition({ baseQty: dec('9') }), 1)).toMatchObject({ ok: false, code: 'POSITION.VERSION_CONFLICT' });
      expect(await b.idempotency.release('k-1')).toBe(false);
      clock.advance(120_000);
      expect(await b.idempotency.purgeExpired()).toBe(0);
      await b.safety.removeHalt('OPERATOR');
      const [letter] = await a.dlq.list();
      expect(await b.dlq.remove(letter!.id)).toBe(false);
      await b.paperLedger.save({ BTC: { free: '1', used: '0' } }, { orders: [], forgetFinishedBefore: Number.MAX_SAFE_INTEGER });

      expect((await a.orders.byClientOrderId('cab-1'))?.status).toBe('submitted');
      expect(str((await a.positions.get('BTC/USDT'))!.baseQty)).toBe('1.5');
      expect(await a.idempotency.get('k-1')).not.toBeNull();
      expect(await a.safety.halts()).toHaveLength(1);
      expect(await a.dlq.count()).toBe(1);
      expect(await a.paperLedger.load()).toEqual({ USDT: { free: '1.5', used: '0' } });
      expect(await a.paperLedger.loadOrders(0)).toHaveLength(1);
      // …while a's own purge still works on its own rows.
      expect(await a.idempotency.purgeExpired()).toBe(1);
    });

    it('lists every bot of the database, from either bot, with its own counts and last activity', async () => {
      expect(await a.bots()).toEqual([]);
      await trade(a, '1.5', 'a');
      clock.advance(5_000);
      await trade(b, '0', 'b');
      // b's second order, still open: counted as an order, not as a fill or a position.
      expect(await b.orders.insert(anOrder({ clientOrderId: 'cab-2', status: 'submitted', createdAt: clock.now(), updatedAt: clock.now() }))).toEqual({
        ok: true,
      });
      // …and, last, a position in another symbol: its save is b's latest activity.
      clock.advance(5_000);
      expect(await b.positions.save(aPosition({ symbol: 'ETH/USDT', baseQty: dec('3'), updatedAt: clock.now() }), 0)).toMatchObject({ ok: true });
      const expected = [
        { botId: 'alpha', lastActivity: 1_700_000_000_000, orders: 1, fills: 1, openPositions: 1 },
        // Its BTC/USDT position was saved at zero quantity: flat, not open; ETH/USDT is open.
        { botId: 'beta', lastActivity: clock.now(), orders: 2, fills: 1, openPositions: 1 },
      ];
      expect(await a.bots()).toEqual(expected);
      expect(await b.bots()).toEqual(expected);
    });

    it('shares candles: market data is the venue’s, not a bot’s', async () => {
      const key = { exchange: 'gate', symbol: 'BTC/USDT', timeframe: '1m' };
      await a.candles.upsert(key, [{ ts: 0, open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 }]);
      expect(await b.candles.latest(key, 5)).toEqual([{ ts: 0, open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 }]);
    });
  });
}
