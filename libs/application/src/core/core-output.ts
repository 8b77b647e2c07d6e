import type { Side } from '@cab/domain';
import type { HaltCode } from '../pipeline/trading-state';
import type { OrderRecord } from '../ports/orders-repository';

/**
 * What the TradingCore reports besides fills: the facts an audit log, the event bus or alerts
 * would be told. The driver drains them (live: to the store and the bus) or drops them (backtest).
 * Holds are not reported: a quiet candle makes nothing.
 */
export type CoreOutput =
  | { kind: 'signal'; ts: number; symbol: string; action: 'buy' | 'sell'; reasons: readonly string[] }
  | { kind: 'risk'; ts: number; symbol: string; side: Side; ok: boolean; codes: readonly string[] }
  /** A verdict that refused an entry or a sell, once per side, codes and bucket (trade.blocked). */
  | { kind: 'blocked'; ts: number; symbol: string; side: Side; reasons: readonly string[] }
  /** An order after the venue's answer (error: refused or left in flight). */
  | { kind: 'order'; ts: number; symbol: string; order: OrderRecord; error?: string }
  /** Nothing sent: a place-order check refused it. */
  | { kind: 'refused'; ts: number; symbol: string; side: Side; reason: string }
  | { kind: 'exit'; ts: number; symbol: string; reason: string; message: string; qty: string }
  | { kind: 'dust'; ts: number; symbol: string; reason: string; dustBase: string }
  | { kind: 'halt' | 'resume'; ts: number; code: HaltCode };
