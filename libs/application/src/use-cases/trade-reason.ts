import type { TradeReason } from '../events/topics';

/**
 * Order reasons are stored as text ("signal: …", "exit EXIT.STOP_LOSS: …", "adopted: …"); events
 * carry the short kind.
 */
export function tradeReasonOf(reason: string | null): TradeReason {
  if (!reason) return 'manual';
  if (reason.startsWith('signal')) return 'signal';
  if (reason.includes('EXIT.TRAILING_STOP')) return 'trailing';
  if (reason.startsWith('exit')) return 'stop';
  if (reason.startsWith('adopted') || reason.startsWith('reconcile')) return 'reconcile';
  return 'manual';
}
