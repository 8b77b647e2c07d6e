import { describe, expect, it } from '@jest/globals';
import { FakeClock } from '@cab/domain/testing';
import { CircuitBreaker } from './circuit-breaker';

describe('CircuitBreaker', () => {
  const make = () => {
    const clock = new FakeClock();
    return { clock, cb: new CircuitBreaker({ failures: 3, cooldownMs: 10_000 }, clock) };
  };

  it('opens after N failures in a row, not N failures in all', () => {
    const { cb } = make();
    cb.failure();
    cb.failure();
    cb.success();
    cb.failure();
    cb.failure();
    expect(cb.state()).toBe('closed');
    cb.failure();
    expect(cb.state()).toBe('open');
  });

  it('refuses while open and says how long until the probe', () => {
    const { cb, clock } = make();
    for (let i = 0; i < 3; i++) cb.failure();
    clock.advance(4_000);
    expect(cb.admit()).toEqual({ ok: false, retryAfterMs: 6_000 });
  });

  it('half-open lets exactly one probe through; its success closes the circuit', () => {
    const { cb, clock } = make();
    for (let i = 0; i < 3; i++) cb.failure();
    clock.advance(10_000);
    expect(cb.state()).toBe('half-open');
    expect(cb.admit()).toEqual({ ok: true });
    expect(cb.admit().ok).toBe(false); // a second caller waits for the probe
    cb.success();
    expect(cb.state()).toBe('closed');
    expect(cb.admit()).toEqual({ ok: true });
  });

  it('a failed probe opens the circuit for a fresh cooldown', () => {
    const { cb, clock } = make();
    for (let i = 0; i < 3; i++) cb.failure();
    clock.advance(10_000);
    expect(cb.admit().ok).toBe(true);
    cb.failure();
    expect(cb.state()).toBe('open');
    clock.advance(9_999);
    expect(cb.admit()).toEqual({ ok: false, retryAfterMs: 1 });
    clock.advance(1);
    expect(cb.admit().ok).toBe(true);
  });
});
