import type { LockHolderInfo } from '../events/topics';

/**
 * The instance lock (live mode; every mode on Postgres): a second instance on the same database or the same
 * exchange account must refuse to start, naming the holder (docs/lessons.md #10). The lock of a dead
 * instance is taken over. The adapter (infrastructure/safety) keeps the lock fresh with a
 * heartbeat and reports a lost lock, after which the instance must stop trading.
 */
export type LockScope = 'db' | 'account';

export interface LockHolder extends LockHolderInfo {
  /** Last heartbeat of the holder, ISO-8601 UTC. */
  readonly heartbeatAt: string;
}

export type LockRefusedCode =
  /** A live instance holds it. */
  | 'LOCK.HELD'
  /** The lock file exists but cannot be read as a lock: refuse rather than guess. */
  | 'LOCK.UNREADABLE'
  /** Another starting instance is taking over a dead holder's lock right now. */
  | 'LOCK.CONTENDED'
  /** The lock's server (Postgres) cannot be reached: refuse rather than run unlocked. */
  | 'LOCK.UNAVAILABLE';

export interface LockTakeover {
  readonly scope: LockScope;
  readonly previous: LockHolder;
  /** Why the previous holder was judged dead: "pid 123 is not running", "heartbeat 95 s old". */
  readonly why: string;
}

export type LockAcquireResult =
  { ok: true; tookOver: readonly LockTakeover[] } | { ok: false; code: LockRefusedCode; scope: LockScope; holder: LockHolder | null; message: string };

export type LockHeartbeatResult = { ok: true } | { ok: false; scope: LockScope; holder: LockHolder | null; message: string };

export interface InstanceLock {
  /** Takes every lock this instance needs, or none of them. */
  acquire(): Promise<LockAcquireResult>;
  /** Refreshes the heartbeat. `ok: false` means another instance took the lock: halt. */
  heartbeat(): Promise<LockHeartbeatResult>;
  /** Releases what we hold (only if still ours). Idempotent. */
  release(): Promise<void>;
}
