// Builders and process helpers shared by the storage specs and their child processes.
import type { FillRecord, OrderRecord, PositionRecord } from '@cab/application';
import { anOrderRecord } from '@cab/application/testing';
import { dec, ZERO } from '@cab/domain';
import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../../../..');

/** The storage specs' order row: `anOrderRecord` (the application's fixture) as these specs' rows were. */
export function anOrder(overrides: Partial<OrderRecord> = {}): OrderRecord {
  return anOrderRecord({
    clientOrderId: 'cab-1',
    idempotencyKey: null,
    reason: 'signal: test',
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    ...overrides,
  });
}

export function aFill(overrides: Partial<FillRecord> = {}): FillRecord {
  return {
    exchange: 'paper',
    tradeId: 't-1',
    clientOrderId: 'cab-1',
    exchangeOrderId: 'x-1',
    symbol: 'BTC/USDT',
    side: 'buy',
    price: dec('50000.1'),
    amount: dec('0.001'),
    cost: dec('50.0001'),
    fee: dec('0.000002'),
    feeCurrency: 'BTC',
    ts: 1_700_000_000_000,
    ...overrides,
  };
}

export function aPosition(overrides: Partial<PositionRecord> = {}): PositionRecord {
  return {
    symbol: 'BTC/USDT',
    baseQty: ZERO,
    avgEntry: ZERO,
    realizedPnl: ZERO,
    feesQuote: ZERO,
    peakPrice: null,
    stopPrice: null,
    trailingStopPrice: null,
    trailingActive: false,
    openedAt: null,
    updatedAt: 1_700_000_000_000,
    version: 0,
    ...overrides,
  };
}

/**
 * Starts a TypeScript child (through tsx, so it runs the real adapters) with an IPC channel.
 * The child inherits nothing but PATH-like basics and the tsconfig that maps @cab/* paths.
 */
const started = new Set<ChildProcess>();

export function forkTs(script: string, args: string[]): ChildProcess {
  const child = fork(resolve(__dirname, 'children', script), args, {
    cwd: REPO_ROOT,
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, TSX_TSCONFIG_PATH: resolve(REPO_ROOT, 'tsconfig.base.json') },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  started.add(child);
  child.once('exit', () => started.delete(child));
  return child;
}

/** For afterEach: a failed assertion must not leave a child writing into a deleted folder. */
export async function killChildren(): Promise<void> {
  const alive = [...started];
  for (const c of alive) c.kill('SIGKILL');
  await Promise.all(alive.map(waitExit));
}

/** Resolves with the first IPC message matching `pred`; rejects if the child exits first. */
export function nextMessage<T>(child: ChildProcess, pred: (m: unknown) => m is T, stderr?: () => string): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const onMessage = (m: unknown): void => {
      if (pred(m)) {
        cleanup();
        resolvePromise(m);
      }
    };
    const onExit = (code: number | null, signal: string | null): void => {
      cleanup();
      reject(new Error(`child exited (code ${String(code)}, signal ${String(signal)}) before the expected message\n${stderr?.() ?? ''}`));
    };
    const cleanup = (): void => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** Collects a child's stderr, for failure messages. */
export function captureStderr(child: ChildProcess): () => string {
  let text = '';
  child.stderr?.on('data', (b: Buffer) => {
    text += b.toString();
  });
  return () => text;
}

export function waitExit(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
}

/** The shape of one trade written by children/writer.ts. */
export const FILLS_PER_ORDER = 5;
export const FILL_AMOUNT = '0.001';

/**
 * Checks, on the raw file, that every trade written by children/writer.ts is whole: each order has
 * all its fills and an audit entry, its filled amount equals its fills, and the position equals
 * the sum of every fill. A half-written transaction breaks at least one of these.
 */
export function assertWholeTrades(db: import('better-sqlite3').Database): { orders: number; fills: number } {
  const pos = db.prepare("SELECT base_qty FROM positions WHERE symbol = 'BTC/USDT'").get() as { base_qty: string } | undefined;
  return assertWholeTradeRows({
    orders: db.prepare('SELECT client_order_id, filled_base FROM orders').all() as { client_order_id: string; filled_base: string }[],
    fills: db.prepare('SELECT client_order_id, amount FROM fills').all() as { client_order_id: string; amount: string }[],
    auditCorrelationIds: (db.prepare('SELECT correlation_id FROM audit').all() as { correlation_id: string }[]).map((r) => r.correlation_id),
    positionBaseQty: pos?.base_qty ?? null,
  });
}

/** assertWholeTrades on rows read by any driver (the Postgres crash spec reads them through pg). */
export function assertWholeTradeRows(rows: {
  orders: { client_order_id: string; filled_base: string }[];
  fills: { client_order_id: string; amount: string }[];
  auditCorrelationIds: string[];
  positionBaseQty: string | null;
}): { orders: number; fills: number } {
  const orders = rows.orders;
  const fillsByOrder = new Map<string, string[]>();
  for (const f of rows.fills) {
    fillsByOrder.set(f.client_order_id, [...(fillsByOrder.get(f.client_order_id) ?? []), f.amount]);
  }
  const audited = new Set(rows.auditCorrelationIds);
  let total = ZERO;
  let fills = 0;
  const problems: string[] = [];
  for (const o of orders) {
    const amounts = fillsByOrder.get(o.client_order_id) ?? [];
    fillsByOrder.delete(o.client_order_id);
    fills += amounts.length;
    const sum = amounts.reduce((acc, a) => acc.plus(dec(a)), ZERO);
    total = total.plus(sum);
    if (amounts.length !== FILLS_PER_ORDER) problems.push(`${o.client_order_id}: ${amounts.length} fills`);
    if (!sum.eq(dec(o.filled_base))) problems.push(`${o.client_order_id}: fills sum ${sum.toFixed()} != filled ${o.filled_base}`);
    if (!audited.has(o.client_order_id)) problems.push(`${o.client_order_id}: no audit entry`);
  }
  for (const orphan of fillsByOrder.keys()) problems.push(`fills without an order: ${orphan}`);
  const held = rows.positionBaseQty !== null ? dec(rows.positionBaseQty) : ZERO;
  if (!held.eq(total)) problems.push(`position ${held.toFixed()} != sum of fills ${total.toFixed()}`);
  if (audited.size !== orders.length) problems.push(`${audited.size} audit entries for ${orders.length} orders`);
  if (problems.length > 0) throw new Error(`half-written trades:\n${problems.slice(0, 10).join('\n')}`);
  return { orders: orders.length, fills };
}

/** The storage a child works on: a postgres:// URL (as BOT_ID 'default') or a SQLite file path. */
export async function openStorageAt(target: string, clock: import('@cab/domain').Clock): Promise<import('@cab/infrastructure').Storage> {
  const { openPostgresStorage, openSqliteStorage } = await import('@cab/infrastructure');
  return target.startsWith('postgres://') ? openPostgresStorage({ url: target, clock }) : openSqliteStorage({ path: target, clock });
}
