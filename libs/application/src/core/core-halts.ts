import type { TradingState } from '@cab/domain';
import type { Halt, HaltCode } from '../pipeline/trading-state';

/**
 * The halts in force, in memory, for the TradingCore: `halted` stops entries and strategy sells,
 * `reducing` stops entries (pipeline/trading-state.ts has the resume rules); no store, bus or
 * audit here — the core reports a change as Publish and Persist commands and the driver carries them out.
 */
export class CoreHalts {
  private readonly halts = new Map<HaltCode, Halt['level']>();
  private cached: TradingState = 'active';

  state(): TradingState {
    return this.cached;
  }

  has(code: HaltCode): boolean {
    return this.halts.has(code);
  }

  /** The level the halt is in force at; null when it is not. */
  level(code: HaltCode): Halt['level'] | null {
    return this.halts.get(code) ?? null;
  }

  /** True when this changed anything. */
  set(code: HaltCode, level: Halt['level']): boolean {
    if (this.halts.get(code) === level) return false;
    this.halts.set(code, level);
    this.recompute();
    return true;
  }

  /** True when the halt was in force. */
  clear(code: HaltCode): boolean {
    if (!this.halts.delete(code)) return false;
    this.recompute();
    return true;
  }

  private recompute(): void {
    let s: TradingState = 'active';
    for (const level of this.halts.values()) {
      if (level === 'halted') {
        s = 'halted';
        break;
      }
      s = 'reducing';
    }
    this.cached = s;
  }
}
