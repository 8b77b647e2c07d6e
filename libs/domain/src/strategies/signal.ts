import type { Signal, SignalAction } from './types';

/**
 * A signal whose reasons are formatted on first read, once. A hold on every candle then costs no
 * string work unless someone reads it (the pipeline audits a hold only when the action changes).
 * `build` must only read values captured when the signal was made, never the strategy's live
 * state, or a reason read later would describe a later candle.
 */
export function lazySignal(action: SignalAction, build: () => readonly string[]): Signal {
  let built: readonly string[] | undefined;
  // An own, enumerable getter: JSON.stringify and deep equality see `reasons` like a plain field.
  return {
    action,
    get reasons(): readonly string[] {
      return (built ??= build());
    },
  };
}

/** A hold with reasons already written (no numbers to format). */
export const hold = (...reasons: string[]): Signal => ({ action: 'hold', reasons });

/** Numbers for reasons: enough digits to read, no float noise. */
export const fmt = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(2) : x.toPrecision(4));
