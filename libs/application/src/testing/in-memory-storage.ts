import { dec, str, type Candle, type Clock, type OrderStatus } from '@cab/domain';
import type { AuditEntry, AuditLog, AuditQuery, AuditRecord } from '../ports/audit-log';
import type { DeadLetter, DeadLetterQueue, DeadLetterRecord } from '../ports/dead-letter-queue';
import type { FillRecord, FillsInsertResult, FillsRepository } from '../ports/fills-repository';
import type { IdempotencyEntry, IdempotencyStore, ReserveResult } from '../ports/idempotency-store';
import type { CandleRepository, CandleSeriesKey } from '../ports/market-data-repository';
import type { OrderInsertResult, OrderPatch, OrderQuery, OrderRecord, OrdersRepository } from '../ports/orders-repository';
import type { PaperBalances, PaperLedgerStore, PaperOrderRecord, PaperOrdersChange } from '../ports/paper-ledger';
import type { PositionRecord, PositionSaveResult, PositionsRepository } from '../ports/positions-repository';
import type { SafetyStateStore, StoredHalt, TradeCursor } from '../ports/safety-state-store';
import type { TransactionalStores, UnitOfWork } from '../ports/unit-of-work';

/*
 * In-memory implementations of the storage ports, for application specs (which may not import
 * infrastructure). They honour the same contract as the SQLite adapters — infrastructure runs one
 * contract suite over both — including all-or-nothing units of work and one-at-a-time access.
 * Records are stored as copies and never mutated in place, so a snapshot is a shallow copy.
 */

interface State {
  orders: Map<string, OrderRecord>;
  fills: Map<string, FillRecord>;
  positions: Map<string, PositionRecord>;
  keys: Map<string, IdempotencyEntry>;
  audit: AuditRecord[];
  candles: Map<string, Candle>;
  dlq: Map<number, DeadLetterRecord>;
  paper: PaperBalances | null;
  /** Paper orders by id, in the order first saved. */
  paperOrders: Map<string, PaperOrderRecord>;
  nextAuditId: number;
  nextDlqId: number;
}

const emptyState = (): State => ({
  orders: new Map(),
  fills: new Map(),
  positions: new Map(),
  keys: new Map(),
  audit: [],
  candles: new Map(),
  dlq: new Map(),
  paper: null,
  paperOrders: new Map(),
  nextAuditId: 1,
  nextDlqId: 1,
});

const snapshot = (s: State): State => ({
  orders: new Map(s.orders),
  fills: new Map(s.fills),
  positions: new Map(s.positions),
  keys: new Map(s.keys),
  audit: [...s.audit],
  candles: new Map(s.candles),
  dlq: new Map(s.dlq),
  paper: s.paper,
  paperOrders: new Map(s.paperOrders),
  nextAuditId: s.nextAuditId,
  nextDlqId: s.nextDlqId,
});

/** Runs tasks one at a time, like the single SQLite connection does. */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** How a store reaches the state: through the lock (outside a unit of work) or directly (inside). */
type Access = <T>(fn: (s: State) => T | Promise<T>) => Promise<T>;

const OPEN: readonly OrderStatus[] = ['new', 'submitted', 'in_flight', 'partial'];

function limitOf(limit: number | undefined, fallback: number): number {
  if (limit === undefined) return fallback;
  if (!Number.isInteger(limit) || limit <= 0) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  return limit;
}

const fillKey = (exchange: string, tradeId: string): string => `${exchange}\u0000${tradeId}`;
const seriesKey = (k: CandleSeriesKey): string => `${k.exchange}\u0000${k.symbol}\u0000${k.timeframe}\u0000`;
const candleKey = (k: CandleSeriesKey, ts: number): string => `${seriesKey(k)}${ts}`;
const byCreatedDesc = (a: OrderRecord, b: OrderRecord): number => b.createdAt - a.createdAt || (a.clientOrderId < b.clientOrderId ? 1 : -1);

class MemoryOrders implements OrdersRepository {
  constructor(private readonly access: Access) {}

  insert(order: OrderRecord): Promise<OrderInsertResult> {
    return this.access((s) => {
      if (s.orders.has(order.clientOrderId)) {
        return { ok: false, code: 'ORDER.DUPLICATE_CLIENT_ID', message: `order ${order.clientOrderId} already exists` } as const;
      }
      if (order.exchangeOrderId !== null) {
        for (const o of s.orders.values()) {
          if (o.exchange === order.exchange && o.exchangeOrderId === order.exchangeOrderId) {
            return {
              ok: false,
              code: 'ORDER.DUPLICATE_EXCHANGE_ID',
              message: `${order.exchange} order ${order.exchangeOrderId} is already stored under another client order id`,
            } as const;
          }
        }
      }
      s.orders.set(order.clientOrderId, { ...order });
      return { ok: true } as const;
    });
  }

  update(clientOrderId: string, patch: OrderPatch, expectedStatus?: OrderStatus): Promise<OrderRecord | null> {
    return this.access((s) => {
      const cur = s.orders.get(clientOrderId);
      if (!cur || (expectedStatus !== undefined && cur.status !== expectedStatus)) return null;
      const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<OrderRecord>;
      const next = { ...cur, ...defined };
      if (next.exchangeOrderId !== null && next.exchangeOrderId !== cur.exchangeOrderId) {
        for (const o of s.orders.values()) {
          if (o !== cur && o.exchange === next.exchange && o.exchangeOrderId === next.exchangeOrderId) {
            throw new Error(`UNIQUE constraint failed: ${next.exchange} order ${next.exchangeOrderId}`);
          }
        }
      }
      s.orders.set(clientOrderId, next);
      return { ...next };
    });
  }

  byClientOrderId(clientOrderId: string): Promise<OrderRecord | null> {
    return this.access((s) => {
      const o = s.orders.get(clientOrderId);
      return o ? { ...o } : null;
    });
  }

  byExchangeOrderId(exchange: string, exchangeOrderId: string): Promise<OrderRecord | null> {
    return this.access((s) => {
      for (const o of s.orders.values()) if (o.exchange === exchange && o.exchangeOrderId === exchangeOrderId) return { ...o };
      return null;
    });
  }

  open(symbol?: string): Promise<OrderRecord[]> {
    return this.access((s) =>
      [...s.orders.values()]
        .filter((o) => OPEN.includes(o.status) && (symbol === undefined || o.symbol === symbol))
        .sort((a, b) => byCreatedDesc(b, a))
        .map((o) => ({ ...o })),
    );
  }

  async find(query: OrderQuery = {}): Promise<OrderRecord[]> {
    const limit = limitOf(query.limit, 100);
    return this.access((s) =>
      [...s.orders.values()]
        .filter(
          (o) =>
            (query.symbol === undefined || o.symbol === query.symbol) &&
            (query.statuses === undefined || query.statuses.includes(o.status)) &&
            (query.since === undefined || o.createdAt >= query.since),
        )
        .sort(byCreatedDesc)
        .slice(0, limit)
        .map((o) => ({ ...o })),
    );
  }
}

class MemoryFills implements FillsRepository {
  constructor(private readonly access: Access) {}

  insertMany(fills: readonly FillRecord[]): Promise<FillsInsertResult> {
    return this.access((s) => {
      // Validate the whole batch first: like the SQL adapter, a bad fill inserts none of it.
      for (const f of fills) {
        if (!s.orders.has(f.clientOrderId)) throw new Error(`FOREIGN KEY constraint failed: no order ${f.clientOrderId}`);
      }
      const inserted: FillRecord[] = [];
      for (const f of fills) {
        const k = fillKey(f.exchange, f.tradeId);
        if (s.fills.has(k)) continue;
        s.fills.set(k, { ...f });
        inserted.push(f);
      }
      return { inserted, duplicates: fills.length - inserted.length };
    });
  }

  byOrder(clientOrderId: string): Promise<FillRecord[]> {
    return this.access((s) =>
      [...s.fills.values()]
        .filter((f) => f.clientOrderId === clientOrderId)
        .sort((a, b) => a.ts - b.ts || (a.tradeId < b.tradeId ? -1 : 1))
        .map((f) => ({ ...f })),
    );
  }

  async bySymbol(symbol: string, since?: number, limit?: number): Promise<FillRecord[]> {
    const max = limitOf(limit, 1000);
    return this.access((s) =>
      [...s.fills.values()]
        .filter((f) => f.symbol === symbol && (since === undefined || f.ts >= since))
        .sort((a, b) => a.ts - b.ts || (a.tradeId < b.tradeId ? -1 : 1))
        .slice(0, max)
        .map((f) => ({ ...f })),
    );
  }
}

class MemoryPositions implements PositionsRepository {
  constructor(private readonly access: Access) {}

  get(symbol: string): Promise<PositionRecord | null> {
    return this.access((s) => {
      const p = s.positions.get(symbol);
      return p ? { ...p } : null;
    });
  }

  all(): Promise<PositionRecord[]> {
    return this.access((s) => [...s.positions.values()].sort((a, b) => (a.symbol < b.symbol ? -1 : 1)).map((p) => ({ ...p })));
  }

  save(position: PositionRecord, expectedVersion?: number): Promise<PositionSaveResult> {
    return this.access((s) => {
      const cur = s.positions.get(position.symbol);
      const stored = cur?.version ?? 0;
      if (expectedVersion !== undefined && expectedVersion !== stored) {
        return {
          ok: false,
          code: 'POSITION.VERSION_CONFLICT',
          message: `position ${position.symbol} is no longer at version ${expectedVersion}`,
        } as const;
      }
      const version = stored + 1;
      s.positions.set(position.symbol, { ...position, version });
      return { ok: true, version } as const;
    });
  }
}

class MemoryIdempotency implements IdempotencyStore {
  constructor(
    private readonly access: Access,
    private readonly clock: Clock,
  ) {}

  reserve(key: string, ttlMs: number, ref: string | null = null): Promise<ReserveResult> {
    if (!Number.isFinite(ttlMs) || ttlMs <= 0) return Promise.reject(new RangeError(`ttlMs must be > 0, got ${ttlMs}`));
    return this.access((s) => {
      const now = this.clock.now();
      const held = s.keys.get(key);
      if (held && held.expiresAt > now) return { ok: false, code: 'IDEMPOTENCY.TAKEN', key, expiresAt: held.expiresAt, ref: held.ref } as const;
      s.keys.set(key, { key, ref, createdAt: now, expiresAt: now + ttlMs });
      return { ok: true, key, expiresAt: now + ttlMs } as const;
    });
  }

  get(key: string): Promise<IdempotencyEntry | null> {
    return this.access((s) => {
      const e = s.keys.get(key);
      return e ? { ...e } : null;
    });
  }

  release(key: string): Promise<boolean> {
    return this.access((s) => s.keys.delete(key));
  }

  purgeExpired(): Promise<number> {
    return this.access((s) => {
      const now = this.clock.now();
      let n = 0;
      for (const [k, e] of s.keys) {
        if (e.expiresAt <= now) {
          s.keys.delete(k);
          n++;
        }
      }
      return n;
    });
  }
}

class MemoryAudit implements AuditLog {
  constructor(private readonly access: Access) {}

  record(entry: AuditEntry): Promise<number> {
    // Through JSON like the SQL adapter: what cannot be stored as JSON fails here too.
    const data = JSON.parse(JSON.stringify(entry.data)) as AuditEntry['data'];
    return this.access((s) => {
      const id = s.nextAuditId++;
      s.audit.push({ ...entry, data, id });
      return id;
    });
  }

  async recordAll(entries: readonly AuditEntry[]): Promise<void> {
    const rows = entries.map((e) => ({ ...e, data: JSON.parse(JSON.stringify(e.data)) as AuditEntry['data'] }));
    return this.access((s) => {
      for (const r of rows) s.audit.push({ ...r, id: s.nextAuditId++ });
    });
  }

  async find(query: AuditQuery = {}): Promise<AuditRecord[]> {
    const limit = limitOf(query.limit, 100);
    return this.access((s) =>
      s.audit
        .filter(
          (a) =>
            (query.kind === undefined || a.kind === query.kind) &&
            (query.symbol === undefined || a.symbol === query.symbol) &&
            (query.correlationId === undefined || a.correlationId === query.correlationId) &&
            (query.since === undefined || a.ts >= query.since),
        )
        .sort((a, b) => b.ts - a.ts || b.id - a.id)
        .slice(0, limit)
        .map((a) => ({ ...a, data: JSON.parse(JSON.stringify(a.data)) as AuditRecord['data'] })),
    );
  }
}

class MemoryCandles implements CandleRepository {
  constructor(private readonly access: Access) {}

  upsert(key: CandleSeriesKey, candles: readonly Candle[]): Promise<number> {
    for (const c of candles) {
      for (const f of ['open', 'high', 'low', 'close', 'volume'] as const) {
        if (!Number.isFinite(c[f])) return Promise.reject(new RangeError(`candle ${f} must be finite, got ${c[f]}`));
      }
    }
    return this.access((s) => {
      for (const c of candles) s.candles.set(candleKey(key, c.ts), { ...c });
      return candles.length;
    });
  }

  async range(key: CandleSeriesKey, from: number, to: number, limit?: number): Promise<Candle[]> {
    const max = limitOf(limit, 10_000);
    return this.access((s) =>
      this.series(s, key)
        .filter((c) => c.ts >= from && c.ts < to)
        .slice(0, max),
    );
  }

  async latest(key: CandleSeriesKey, count: number): Promise<Candle[]> {
    const max = limitOf(count, 1);
    return this.access((s) => this.series(s, key).slice(-max));
  }

  private series(s: State, key: CandleSeriesKey): Candle[] {
    // The series part ends with a separator and the rest is the open time, so a prefix is exact.
    const prefix = seriesKey(key);
    return [...s.candles.entries()]
      .filter(([k]) => k.startsWith(prefix))
      .map(([, c]) => ({ ...c }))
      .sort((a, b) => a.ts - b.ts);
  }
}

class MemoryDeadLetters implements DeadLetterQueue {
  constructor(private readonly access: Access) {}

  push(letter: DeadLetter): Promise<number> {
    return this.access((s) => {
      const id = s.nextDlqId++;
      s.dlq.set(id, { ...letter, id });
      return id;
    });
  }

  async list(options: { topic?: string; limit?: number } = {}): Promise<DeadLetterRecord[]> {
    const limit = limitOf(options.limit, 100);
    return this.access((s) =>
      [...s.dlq.values()]
        .filter((d) => options.topic === undefined || d.topic === options.topic)
        .sort((a, b) => a.id - b.id)
        .slice(0, limit)
        .map((d) => ({ ...d })),
    );
  }

  remove(id: number): Promise<boolean> {
    return this.access((s) => s.dlq.delete(id));
  }

  count(): Promise<number> {
    return this.access((s) => s.dlq.size);
  }
}

class MemoryPaperLedger implements PaperLedgerStore {
  constructor(private readonly access: Access) {}

  load(): Promise<PaperBalances | null> {
    return this.access((s) => (s.paper && Object.keys(s.paper).length > 0 ? structuredClone(s.paper) : null));
  }

  async save(balances: PaperBalances, change?: PaperOrdersChange): Promise<void> {
    const clean: PaperBalances = {};
    for (const [currency, b] of Object.entries(balances)) clean[currency] = { free: str(dec(b.free)), used: str(dec(b.used)) };
    // Checked like the SQL store does: a bad amount fails the whole save.
    const orders = (change?.orders ?? []).map(cleanPaperOrder);
    await this.access((s) => {
      s.paper = clean;
      for (const o of orders) s.paperOrders.set(o.id, o);
      if (change?.forgetFinishedBefore !== undefined) forgetPaperOrders(s, change.forgetFinishedBefore);
    });
  }

  loadOrders(finishedSince: number): Promise<PaperOrderRecord[]> {
    return this.access((s) => {
      forgetPaperOrders(s, finishedSince);
      return [...s.paperOrders.values()].map((o) => structuredClone(o));
    });
  }
}

function cleanPaperOrder(o: PaperOrderRecord): PaperOrderRecord {
  const d = (v: string): string => str(dec(v));
  const dn = (v: string | null): string | null => (v === null ? null : d(v));
  return {
    ...o,
    price: dn(o.price),
    requestedQuote: dn(o.requestedQuote),
    requestedBase: dn(o.requestedBase),
    filledBase: d(o.filledBase),
    filledQuote: d(o.filledQuote),
    averagePrice: dn(o.averagePrice),
    fee: d(o.fee),
    fills: o.fills.map((f) => ({ ...f, price: d(f.price), amount: d(f.amount), cost: d(f.cost), fee: d(f.fee) })),
  };
}

function forgetPaperOrders(s: State, before: number): void {
  for (const [id, o] of s.paperOrders) if (o.status !== 'open' && o.updatedAt < before) s.paperOrders.delete(id);
}

/** Halts and trade cursors: plain maps (written alone, never inside a unit of work). */
class MemorySafetyState implements SafetyStateStore {
  private readonly haltRows = new Map<string, StoredHalt>();
  private readonly cursorRows = new Map<string, TradeCursor>();
  async halts(): Promise<StoredHalt[]> {
    return [...this.haltRows.values()].map((h) => ({ ...h })).sort((a, b) => a.since - b.since);
  }
  async saveHalt(h: StoredHalt): Promise<void> {
    this.haltRows.set(h.code, { ...h });
  }
  async removeHalt(code: string): Promise<void> {
    this.haltRows.delete(code);
  }
  async tradeCursors(): Promise<TradeCursor[]> {
    return [...this.cursorRows.values()].map((c) => ({ ...c })).sort((a, b) => a.symbol.localeCompare(b.symbol));
  }
  async saveTradeCursor(c: TradeCursor): Promise<void> {
    this.cursorRows.set(c.symbol, { ...c });
  }
}

/**
 * Every storage port in memory. `unitOfWork.run` takes the lock, works on the live state and puts
 * the snapshot back if the work throws; outside a unit of work each call takes the lock alone.
 */
export class InMemoryStorage {
  private state: State = emptyState();
  private readonly mutex = new Mutex();
  private readonly locked: Access = (fn) => this.mutex.run(async () => fn(this.state));
  private readonly direct: Access = async (fn) => fn(this.state);

  readonly orders: OrdersRepository = new MemoryOrders(this.locked);
  readonly fills: FillsRepository = new MemoryFills(this.locked);
  readonly positions: PositionsRepository = new MemoryPositions(this.locked);
  readonly idempotency: IdempotencyStore;
  readonly audit: AuditLog = new MemoryAudit(this.locked);
  readonly candles: CandleRepository = new MemoryCandles(this.locked);
  readonly dlq: DeadLetterQueue = new MemoryDeadLetters(this.locked);
  readonly paperLedger: PaperLedgerStore = new MemoryPaperLedger(this.locked);
  readonly safety: SafetyStateStore = new MemorySafetyState();
  readonly unitOfWork: UnitOfWork;

  constructor(private readonly clock: Clock) {
    this.idempotency = new MemoryIdempotency(this.locked, clock);
    const inside: TransactionalStores = {
      orders: new MemoryOrders(this.direct),
      fills: new MemoryFills(this.direct),
      positions: new MemoryPositions(this.direct),
      idempotency: new MemoryIdempotency(this.direct, clock),
      audit: new MemoryAudit(this.direct),
    };
    this.unitOfWork = {
      run: <T>(work: (tx: TransactionalStores) => Promise<T>): Promise<T> =>
        this.mutex.run(async () => {
          const before = snapshot(this.state);
          try {
            return await work(inside);
          } catch (e) {
            this.state = before;
            throw e;
          }
        }),
    };
  }
}
