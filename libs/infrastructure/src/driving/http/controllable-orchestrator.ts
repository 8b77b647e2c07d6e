import type { OrchestratorControl, OrchestratorStatus } from '@cab/application';

/** The orchestrator as the HTTP layer sees it: the application's own control API, start/stop/status. */
export type ControllableOrchestrator = Pick<OrchestratorControl, 'start' | 'stop' | 'status'>;
export type OrchestratorStatusView = OrchestratorStatus;
