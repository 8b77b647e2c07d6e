/**
 * The orchestrator as the HTTP layer sees it. The application's orchestrator (feat/pipeline)
 * defines the same shape as OrchestratorControl; it is repeated here structurally so the HTTP
 * layer can be built and tested with a stub before the orchestrator exists.
 */
export type LoopName = 'eval' | 'exits' | 'reconcile' | 'watchdog';

export interface LoopStatus {
  intervalMs: number;
  runs: number;
  errors: number;
  lastRunAt: number | null;
  lastDurationMs: number | null;
  lastError: string | null;
}

export interface OrchestratorStatusView {
  state: 'stopped' | 'starting' | 'running' | 'stopping';
  trading: 'active' | 'reducing' | 'halted';
  haltReasons: string[];
  symbols: string[];
  mode: 'paper' | 'live';
  startedAt: number | null;
  loops: Record<LoopName, LoopStatus>;
}

export interface ControllableOrchestrator {
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): OrchestratorStatusView;
}
