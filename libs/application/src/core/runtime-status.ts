import type { TradingState } from '@cab/domain';

export type LoopName = 'eval' | 'exits' | 'reconcile' | 'watchdog';
export const LOOP_NAMES: readonly LoopName[] = ['eval', 'exits', 'reconcile', 'watchdog'];

export interface LoopStatus {
  intervalMs: number;
  runs: number;
  errors: number;
  /** Start of the last finished run (epoch ms). */
  lastRunAt: number | null;
  lastDurationMs: number | null;
  lastError: string | null;
  /** Whether a run is in flight right now. */
  running: boolean;
}

export interface OrchestratorStatus {
  state: 'stopped' | 'starting' | 'running' | 'stopping';
  trading: TradingState;
  haltReasons: string[];
  symbols: string[];
  mode: 'paper' | 'live';
  startedAt: number | null;
  loops: Record<LoopName, LoopStatus>;
}

export interface OrchestratorControl {
  /** Idempotent: a second call while starting or running waits for / returns the same start. */
  start(): Promise<void>;
  /** Finishes the sends and writes in flight, stops the timers; start() works again afterwards. */
  stop(): Promise<void>;
  status(): OrchestratorStatus;
  /** Clears every halt cause (the operator's "resume"); see pipeline/trading-state.ts for the rules. */
  resume(reason?: string): Promise<void>;
  /** An operator halt: entries stop, exits keep running, until resume(). */
  halt(reason: string): Promise<void>;
}
