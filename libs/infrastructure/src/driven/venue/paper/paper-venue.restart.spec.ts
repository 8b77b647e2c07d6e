import Database from 'better-sqlite3';
import { dec, str } from '@cab/domain';
import { FakeClock, SequentialIds } from '@cab/domain/testing';
import type { OrderDTO } from '@cab/application';
import { openSqliteStorage, type SqliteStorage } from '../../storage/sqlite-storage';
import { tempDir } from '../../../testing';
import { REJECT } from '../reject-codes';
import { PaperVenue } from './paper-venue';
import { SettableMarket } from './paper-market';
import { value, errorOf } from '@cab/application/testing';

const SYMBOL = 'BTC/USDT';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Decimals as text, so equality is exact. */
const text = (x: unknown): string => JSON.stringify(x);

/**
 * A paper broker on a real SQLite file, restarted as the process would be: the storage closed and
 * opened again, a new broker on it. Ids continue across restarts (production uses uuids).
 */
class Bench {
  readonly clock = new FakeClock();
  readonly market = new SettableMarket(this.clock);
  readonly ids = new SequentialIds('po-');
  private readonly tmp = tempDir('cab-paper-restart-');
  readonly path = `${this.tmp.dir}/paper.db`;
  storage!: SqliteStorage;
  broker!: PaperVenue;

  constructor(private readonly retainFinishedMs?: number) {
    this.start();
  }

  start(): this {
    this.storage = openSqliteStorage({ path: this.path, clock: this.clock });
    this.broker = new PaperVenue({
      market: this.market,
      ledger: this.storage.paperLedger,
      clock: this.clock,
      ids: this.ids,
      startingBalances: { USDT: '10000' },
      ...(this.retainFinishedMs === undefined ? {} : { retainFinishedMs: this.retainFinishedMs }),
    });
    return this;
  }

  async restart(): Promise<this> {
    await this.broker.close();
    await this.storage.close();
    return this.start();
  }

  /** Rows of paper_orders, read over a second connection (what is on disk, not in memory). */
  rows(): { id: string; status: string }[] {
    const db = new Database(this.path, { readonly: true });
    try {
      return db.prepare('SELECT id, status FROM paper_orders ORDER BY seq').all() as { id: string; status: string }[];
    } finally {
      db.close();
    }
  }

  async dispose(): Promise<void> {
    await this.broker.close();
    await this.storage.close();
    this.tmp.cleanup();
  }
}

/** Everything the bot asks the broker, as text. */
async function lookups(broker: PaperVenue, orders: readonly OrderDTO[], since: number): Promise<string> {
  const out: unknown[] = [];
  for (const o of orders) {
    out.push(value(await broker.fetchOrder(SYMBOL, { id: o.id })));
    out.push(value(await broker.fetchOrder(SYMBOL, { clientOrderId: o.clientOrderId! })));
  }
  out.push(value(await broker.fetchOpenOrders(SYMBOL)));
  out.push(value(await broker.fetchMyTrades(SYMBOL)));
  out.push(value(await broker.fetchMyTrades(SYMBOL, since)));
  out.push(value(await broker.fetchBalance(SYMBOL)));
  return text(out);
}

describe('PaperVenue on a SQLite file: orders and fills survive a restart', () => {
  let b: Bench;
  afterEach(async () => {
    await b.dispose();
  });

  it('answers every lookup after a restart exactly as before it', async () => {
    b = new Bench();
    b.market.setPrice(SYMBOL, '50000');
    const buy = value(await b.broker.createMarketBuyQuote(SYMBOL, dec('1000'), 'buy-1'));
    b.clock.advance(60_000);
    const since = b.clock.now();
    b.market.setPrice(SYMBOL, '50500');
    const sell = value(await b.broker.createMarketSellBase(SYMBOL, dec('0.005'), 'sell-1'));
    b.clock.advance(60_000);
    const rest = value(await b.broker.placeRestingOrder(SYMBOL, 'buy', dec('0.01'), dec('40000'), 'rest-1'));
    const orders = [buy, sell, rest];
    expect(buy.fills.length).toBeGreaterThan(0);
    expect(sell.fills.length).toBeGreaterThan(0);
    const before = await lookups(b.broker, orders, since);

    await b.restart();
    expect(await lookups(b.broker, orders, since)).toBe(before);
    // The resting order still locks its quote: 400 USDT used.
    expect(str(value(await b.broker.fetchBalance(SYMBOL)).usedQuote)).toBe('400');

    // And again after a change made by the restarted broker (its cancel is saved too).
    const canceled = value(await b.broker.cancelAllOrders(SYMBOL));
    expect(canceled.map((o) => [o.id, o.status])).toEqual([[rest.id, 'canceled']]);
    const after = await lookups(b.broker, orders, since);
    await b.restart();
    expect(await lookups(b.broker, orders, since)).toBe(after);
    expect(str(value(await b.broker.fetchBalance(SYMBOL)).usedQuote)).toBe('0');
    expect(b.rows().map((r) => r.status)).toEqual(['closed', 'closed', 'canceled']);
  });

  it('writes the balances and the order in one transaction: a failed order write leaves neither', async () => {
    b = new Bench();
    b.market.setPrice(SYMBOL, '50000');
    value(await b.broker.ready());
    // A real SQLite failure inside the transaction, after the balances were written.
    const other = new Database(b.path);
    other.exec(`CREATE TRIGGER paper_orders_full BEFORE INSERT ON paper_orders BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    const r = await b.broker.createMarketBuyQuote(SYMBOL, dec('1000'), 'lost');
    expect(errorOf(r)).toEqual({ kind: 'retryable', code: 'PAPER.LEDGER_UNAVAILABLE' });
    expect(other.prepare('SELECT currency, free, used FROM paper_balances').all()).toEqual([{ currency: 'USDT', free: '10000', used: '0' }]);
    other.exec('DROP TRIGGER paper_orders_full');
    other.close();

    await b.restart();
    expect(errorOf(await b.broker.fetchOrder(SYMBOL, { clientOrderId: 'lost' }))).toEqual({ kind: 'rejected', code: REJECT.NOT_FOUND });
    expect(str(value(await b.broker.fetchBalance(SYMBOL)).freeQuote)).toBe('10000');
    expect(b.rows()).toEqual([]);
  });

  it('forgets finished orders past the window in the table too, while running; open ones stay', async () => {
    b = new Bench(DAY);
    b.market.setPrice(SYMBOL, '50000');
    const rest = value(await b.broker.placeRestingOrder(SYMBOL, 'buy', dec('0.01'), dec('40000'), 'rest-0'));
    const old = value(await b.broker.createMarketBuyQuote(SYMBOL, dec('100'), 'old-1'));
    expect(b.rows().map((r) => r.id)).toEqual([rest.id, old.id]);

    // Down for two days (twice the window): the load forgets nothing that was inside the window
    // when the broker stopped — the first reconcile must still find an order the bot never settled.
    b.clock.advance(2 * DAY);
    await b.restart();
    expect(value(await b.broker.fetchOrder(SYMBOL, { clientOrderId: 'old-1' })).id).toBe(old.id);
    expect(value(await b.broker.fetchMyTrades(SYMBOL, b.clock.now() - 3 * DAY)).map((f) => f.orderId)).toEqual([old.id]);
    expect(value(await b.broker.fetchOpenOrders(SYMBOL)).map((o) => o.id)).toEqual([rest.id]);
    expect(b.rows().map((r) => r.id)).toEqual([rest.id, old.id]);

    // Running again, forgetting resumes against the clock: the next order's save deletes what
    // finished before the window, as memory forgets it.
    const mid = value(await b.broker.createMarketBuyQuote(SYMBOL, dec('100'), 'mid-1'));
    expect(errorOf(await b.broker.fetchOrder(SYMBOL, { clientOrderId: 'old-1' }))).toEqual({ kind: 'rejected', code: REJECT.NOT_FOUND });
    expect(b.rows().map((r) => r.id)).toEqual([rest.id, mid.id]);
    b.clock.advance(DAY + HOUR);
    const late = value(await b.broker.createMarketBuyQuote(SYMBOL, dec('100'), 'late-1'));
    expect(errorOf(await b.broker.fetchOrder(SYMBOL, { id: mid.id }))).toEqual({ kind: 'rejected', code: REJECT.NOT_FOUND });
    expect(b.rows().map((r) => r.id)).toEqual([rest.id, late.id]);
    expect(str(value(await b.broker.fetchBalance(SYMBOL)).usedQuote)).toBe('400');
  });

  it('surfaces a corrupt order row as a failed load (retryable), never as a wrong answer', async () => {
    b = new Bench();
    b.market.setPrice(SYMBOL, '50000');
    value(await b.broker.createMarketBuyQuote(SYMBOL, dec('100'), 'buy-1'));
    await b.broker.close();
    await b.storage.close();
    const other = new Database(b.path);
    other.prepare(`UPDATE paper_orders SET fills = '[{"id":"t","ts":1,"price":50000}]'`).run();
    other.close();
    b.start();
    const r = await b.broker.fetchOrder(SYMBOL, { clientOrderId: 'buy-1' });
    expect(errorOf(r)).toEqual({ kind: 'retryable', code: 'PAPER.LEDGER_UNAVAILABLE' });
    expect(r.ok ? '' : r.error.message).toMatch(/stored fill price is not a string/);
  });

  it('refuses an id generator that repeats an id it restored (it would overwrite that order)', async () => {
    b = new Bench();
    b.market.setPrice(SYMBOL, '50000');
    value(await b.broker.createMarketBuyQuote(SYMBOL, dec('100'), 'first'));
    await b.broker.close();
    const again = new PaperVenue({ market: b.market, ledger: b.storage.paperLedger, clock: b.clock, ids: new SequentialIds('po-'), startingBalances: {} });
    await expect(again.createMarketBuyQuote(SYMBOL, dec('100'), 'second')).rejects.toThrow(/already taken/);
    expect(b.rows()).toHaveLength(1);
  });
});
