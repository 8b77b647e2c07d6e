import type { Signal, SignalAction } from './types';

/**
 * A signal whose reasons are formatted on first read, once. A hold on every candle then costs no
 * string work unless someone reads it (the pipeline audits a hold only when the action changes).
 * `build` must only read values captured when the signal was made, never the strategy's live
 * state, or a reason read later would describe a later candle.
 *
 * `reasons` is a getter (on the prototype: an object literal with its own getter costs ~2 µs to
 * create in V8, more than the strategy's whole update). `JSON.stringify` gives `{ action, reasons }`;
 * for a deep comparison, compare `{ action, reasons: [...reasons] }`.
 */
export function lazySignal(action: SignalAction, build: () => readonly string[]): Signal {
  return new LazySignal(action, build);
}

class LazySignal implements Signal {
  #build: (() => readonly string[]) | null;
  #reasons: readonly string[] | null = null;

  constructor(
    readonly action: SignalAction,
    build: () => readonly string[],
  ) {
    this.#build = build;
  }

  get reasons(): readonly string[] {
    if (this.#reasons === null) {
      this.#reasons = this.#build!();
      this.#build = null;
    }
    return this.#reasons;
  }

  toJSON(): { action: SignalAction; reasons: readonly string[] } {
    return { action: this.action, reasons: this.reasons };
  }
}

/**
 * `lazySignal` without a closure: `build(a, b, c, d)` is a plain function (module-level, capturing
 * nothing) and the four values it formats are kept on the signal. One object per signal where a
 * closure costs three (the closure, its context with the captured variables, and the signal): the
 * built-ins' hold on every candle allocates a third as much. Same laziness, same text, read once.
 */
export function lazySignalOf<A, B, C, D>(action: SignalAction, build: (a: A, b: B, c: C, d: D) => readonly string[], a: A, b: B, c: C, d: D): Signal {
  return new LazyArgsSignal(action, build, a, b, c, d);
}

class LazyArgsSignal<A, B, C, D> implements Signal {
  #build: ((a: A, b: B, c: C, d: D) => readonly string[]) | null;
  #reasons: readonly string[] | null = null;

  // Private (#): the values are no properties of the signal (a deep comparison sees what LazySignal shows).
  readonly #a: A;
  readonly #b: B;
  readonly #c: C;
  readonly #d: D;

  constructor(
    readonly action: SignalAction,
    build: (a: A, b: B, c: C, d: D) => readonly string[],
    a: A,
    b: B,
    c: C,
    d: D,
  ) {
    this.#build = build;
    this.#a = a;
    this.#b = b;
    this.#c = c;
    this.#d = d;
  }

  get reasons(): readonly string[] {
    if (this.#reasons === null) {
      this.#reasons = this.#build!(this.#a, this.#b, this.#c, this.#d);
      this.#build = null;
    }
    return this.#reasons;
  }

  toJSON(): { action: SignalAction; reasons: readonly string[] } {
    return { action: this.action, reasons: this.reasons };
  }
}

/** Numbers for reasons: enough digits to read, no float noise. */
export const fmt = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(2) : x.toPrecision(4));
