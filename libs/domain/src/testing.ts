// Test helpers for @cab/domain users: import from '@cab/domain/testing' in specs only.
import type { Clock, IdGenerator } from './time/clock';

/** A clock that moves only when told to. */
export class FakeClock implements Clock {
  constructor(private ms = 1_700_000_000_000) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): this {
    this.ms += ms;
    return this;
  }
  set(ms: number): this {
    this.ms = ms;
    return this;
  }
}

/** Ids "id-1", "id-2", …: deterministic. */
export class SequentialIds implements IdGenerator {
  private n = 0;
  constructor(private readonly prefix = 'id-') {}
  next(): string {
    this.n += 1;
    return `${this.prefix}${this.n}`;
  }
}
