import type { TradingState } from '@cab/domain';
import type { Halt, HaltCode } from '../pipeline/trading-state';

/**
 * The halts in force, in memory, for the TradingCore, each with its reason and since when:
 * `halted` stops entries and strategy sells, `reducing` stops entries (pipeline/trading-state.ts
 * has the resume rules). The one record of them: the status pages read it through the runtime. No
 * store, bus or audit here — the core reports a change as Publish and Persist commands and the
 * driver carries them out.
 */
export class CoreHalts {
  private readonly halts = new Map<HaltCode, Halt>();
  private cached: TradingState = 'active';

  state(): TradingState {
    return this.cached;
  }

  has(code: HaltCode): boolean {
    return this.halts.has(code);
  }

  /** The level the halt is in force at; null when it is not. */
  level(code: HaltCode): Halt['level'] | null {
    return this.halts.get(code)?.level ?? null;
  }

  /** Since when the halt is in force (a new reason or level keeps it); null when it is not. */
  since(code: HaltCode): number | null {
    return this.halts.get(code)?.since ?? null;
  }

  /** The reason the halt is in force for; null when it is not. */
  reason(code: HaltCode): string | null {
    return this.halts.get(code)?.reason ?? null;
  }

  /** The halts in force, oldest first (copies). */
  list(): Halt[] {
    return [...this.halts.values()].map((h) => ({ ...h })).sort((a, b) => a.since - b.since);
  }

  /**
   * In force at `level` for `reason`; a halt already in force keeps its `since`. True when the level
   * changed (the reason alone changing is not a change of state).
   */
  set(code: HaltCode, level: Halt['level'], reason: string, since: number): boolean {
    const before = this.halts.get(code);
    this.halts.set(code, { code, level, reason, since: before?.since ?? since });
    if (before?.level === level) return false;
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
    for (const h of this.halts.values()) {
      if (h.level === 'halted') {
        s = 'halted';
        break;
      }
      s = 'reducing';
    }
    this.cached = s;
  }
}
