import type { Clock } from '@cab/domain';

/** The wall clock, for production wiring. Domain and application only ever see the `Clock` port. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
}
