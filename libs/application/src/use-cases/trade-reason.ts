import type { TradeReason } from '../events/topics';

/**
 * The order reason the core writes on an operator's force exit ("exit FORCE: operator dashboard alice"):
 * a person's decision, so its trade is `manual`, never a `stop` the exit rules fired.
 */
export const FORCE_EXIT_REASON_PREFIX = 'exit FORCE';

/**
 * Order reasons are stored as text ("signal: …", "exit EXIT.STOP_LOSS: …", "exit FORCE: operator …",
 * "adopted: …"); events carry the short kind.
 */
export function tradeReasonOf(reason: string | null): TradeReason {
  if (!reason) return 'manual';
  if (reason.startsWith('signal')) return 'signal';
  if (reason.startsWith(FORCE_EXIT_REASON_PREFIX)) return 'manual';
  // Rows the trading core wrote before it took the loops' text ("exit OPERATOR.FORCE_EXIT: by dashboard alice"): a person's decision too.
  if (reason.startsWith('exit OPERATOR.FORCE_EXIT')) return 'manual';
  if (reason.includes('EXIT.TRAILING_STOP')) return 'trailing';
  if (reason.startsWith('exit')) return 'stop';
  if (reason.startsWith('adopted') || reason.startsWith('reconcile')) return 'reconcile';
  return 'manual';
}
