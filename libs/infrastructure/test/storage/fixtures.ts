// Builders and process helpers shared by the storage specs and their child processes.
import type { FillRecord, OrderRecord, PositionRecord } from '@cab/application';
import { dec, ZERO } from '@cab/domain';
import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../../../..');

export function anOrder(overrides: Partial<OrderRecord> = {}): OrderRecord {
  return {
    clientOrderId: 'cab-1',
    exchange: 'paper',
    exchangeOrderId: null,
    symbol: 'BTC/USDT',
    side: 'buy',
    type: 'market',
    requestedQuote: dec('100'),
    requestedBase: null,
    status: 'new',
    filledBase: ZERO,
    filledQuote: ZERO,
    averagePrice: null,
    fee: ZERO,
    feeCurrency: null,
    idempotencyKey: null,
    reason: 'signal: test',
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    ...overrides,
  };
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
export function forkTs(script: string, args: string[]): ChildProcess {
  return fork(resolve(__dirname, 'children', script), args, {
    cwd: REPO_ROOT,
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, TSX_TSCONFIG_PATH: resolve(REPO_ROOT, 'tsconfig.base.json') },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
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
