import type { Signal, SignalAction, StrategyFactory } from '@cab/domain';

/**
 * A strategy that says whatever the test set last: `next.action` is the signal of the next
 * evaluation. The core's specs drive entries and exits with it, one candle at a time.
 */
export function remoteControlled(next: { action: SignalAction }): StrategyFactory {
  return {
    name: 'scripted',
    warmup: 1,
    params: {},
    create: () => ({
      name: 'scripted',
      warmup: 1,
      update: () => undefined,
      signal: (): Signal => ({ action: next.action, reasons: ['scripted'] }),
      reset: () => undefined,
    }),
  };
}
