import type { LoopStatus } from '@cab/application';
import type { ControllableOrchestrator, OrchestratorStatusView } from '../controllable-orchestrator';

const loop = (intervalMs: number): LoopStatus => ({ intervalMs, runs: 0, errors: 0, lastRunAt: null, lastDurationMs: null, lastError: null, running: false });

/**
 * A stand-in orchestrator for the HTTP specs: it keeps a state and counts calls; `failNext` makes
 * the next start/stop reject, as a real one does when, say, the instance lock is held.
 */
export class StubOrchestrator implements ControllableOrchestrator {
  starts = 0;
  stops = 0;
  failNext: Error | null = null;
  private state: OrchestratorStatusView['state'] = 'stopped';

  async start(): Promise<void> {
    this.starts++;
    this.throwIfAsked();
    this.state = 'running';
  }

  async stop(): Promise<void> {
    this.stops++;
    this.throwIfAsked();
    this.state = 'stopped';
  }

  status(): OrchestratorStatusView {
    return {
      state: this.state,
      trading: 'active',
      haltReasons: [],
      symbols: ['BTC/USDT'],
      mode: 'paper',
      startedAt: this.state === 'running' ? 1_700_000_000_000 : null,
      loops: { eval: loop(3000), exits: loop(5000), reconcile: loop(10000), watchdog: loop(3000) },
    };
  }

  private throwIfAsked(): void {
    const e = this.failNext;
    this.failNext = null;
    if (e) throw e;
  }
}
