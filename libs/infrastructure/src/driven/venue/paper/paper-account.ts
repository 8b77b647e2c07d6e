import { dec, str, ZERO, type Decimal } from '@cab/domain';
import type { PaperBalances } from '@cab/application';

export interface Holding {
  free: Decimal;
  used: Decimal;
}

/**
 * The simulated account's balances per currency. Changes are made on a copy (`draft`) that the
 * broker persists first and adopts only once saved, so a failed save changes nothing.
 */
export class PaperAccount {
  private constructor(private readonly holdings: Map<string, Holding>) {}

  static fromBalances(b: PaperBalances): PaperAccount {
    const m = new Map<string, Holding>();
    for (const [currency, { free, used }] of Object.entries(b)) m.set(currency, { free: dec(free), used: dec(used) });
    return new PaperAccount(m);
  }

  static seed(starting: Record<string, string>): PaperAccount {
    const m = new Map<string, Holding>();
    for (const [currency, free] of Object.entries(starting)) m.set(currency, { free: dec(free), used: ZERO });
    return new PaperAccount(m);
  }

  get(currency: string): Holding {
    return this.holdings.get(currency) ?? { free: ZERO, used: ZERO };
  }

  draft(): PaperAccount {
    return new PaperAccount(new Map(this.holdings));
  }

  set(currency: string, h: Holding): this {
    if (h.free.lt(ZERO) || h.used.lt(ZERO)) throw new RangeError(`paper balance of ${currency} would go negative: free ${str(h.free)}, used ${str(h.used)}`);
    this.holdings.set(currency, h);
    return this;
  }

  addFree(currency: string, delta: Decimal): this {
    const h = this.get(currency);
    return this.set(currency, { free: h.free.plus(delta), used: h.used });
  }

  /** Moves `amount` from free to used (a resting order locks it). */
  lock(currency: string, amount: Decimal): this {
    const h = this.get(currency);
    return this.set(currency, { free: h.free.minus(amount), used: h.used.plus(amount) });
  }

  unlock(currency: string, amount: Decimal): this {
    const h = this.get(currency);
    return this.set(currency, { free: h.free.plus(amount), used: h.used.minus(amount) });
  }

  /** Every `used` amount back to free. */
  releaseAll(): this {
    for (const [currency, h] of this.holdings) this.holdings.set(currency, { free: h.free.plus(h.used), used: ZERO });
    return this;
  }

  /**
   * Sets each currency's `used` to what `locked` says (zero where it says nothing), moving the
   * difference from or to free; the total of each currency is unchanged. Throws if free would go
   * negative (the locks need more than the account holds: a corrupt ledger).
   */
  relock(locked: ReadonlyMap<string, Decimal>): this {
    this.releaseAll();
    for (const [currency, amount] of locked) this.lock(currency, amount);
    return this;
  }

  entries(): IterableIterator<[string, Holding]> {
    return this.holdings.entries();
  }

  hasLocked(): boolean {
    for (const h of this.holdings.values()) if (!h.used.eq(ZERO)) return true;
    return false;
  }

  toBalances(): PaperBalances {
    const out: PaperBalances = {};
    for (const [currency, h] of [...this.holdings].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) out[currency] = { free: str(h.free), used: str(h.used) };
    return out;
  }
}
