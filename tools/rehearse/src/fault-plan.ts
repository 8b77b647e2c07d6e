import type { Fault } from '../../exchange-emulator/src';
import type { Prng } from './prng';

export interface ArmedFault {
  match: string;
  fault: Fault;
  times: number;
}

/** How a cycle ends: kill -9 after a random time, or the moment the venue sees an order arrive. */
export type KillPlan = { kind: 'timer'; afterMs: number } | { kind: 'on-order-send'; when: 'before-answer' | 'after-answer'; waitMs: number };

export interface CyclePlan {
  faults: ArmedFault[];
  kill: KillPlan;
}

/**
 * The faults of one cycle. Creates: the venue takes the order and the answer is lost, arrives after
 * the client's timeout, or is a 5xx; or a 429 before anything happened. Reads: 502 on the trades,
 * orders, balances and the market list (the load at startup and the reconciler's reads).
 */
export function planCycle(prng: Prng, httpTimeoutMs: number): CyclePlan {
  const faults: ArmedFault[] = [];
  const creates: Fault[] = [
    { kind: 'lost-response' },
    { kind: 'delay', ms: httpTimeoutMs + 1_000 },
    { kind: 'status', status: 502, afterProcessing: true },
    { kind: 'status', status: 504, afterProcessing: true },
    { kind: 'status', status: 429, retryAfterSec: 1 },
  ];
  if (prng.chance(0.6)) faults.push({ match: 'POST /spot/orders', fault: prng.pick(creates), times: prng.int(1, 2) });
  const reads = ['GET /spot/my_trades', 'GET /spot/orders*', 'GET /spot/accounts', 'GET /spot/currency_pairs*'];
  for (const match of reads) {
    if (prng.chance(0.3)) faults.push({ match, fault: { kind: 'status', status: 502 }, times: prng.int(1, 3) });
  }
  const kill: KillPlan = prng.chance(0.4)
    ? { kind: 'on-order-send', when: prng.chance(0.5) ? 'before-answer' : 'after-answer', waitMs: prng.int(4_000, 12_000) }
    : { kind: 'timer', afterMs: prng.int(1_500, 8_000) };
  return { faults, kill };
}
