import { ok, type Result } from '@cab/domain';

/**
 * The exchange-side dead man's switch (Gate's `POST /spot/countdown_cancel_all`): armed with a
 * timeout, it cancels the symbol's open orders unless refreshed in time. Live mode implements it
 * over GateVenue.countdownCancelAll; paper mode uses `noopCountdownSwitch` (nothing rests there).
 */
/** Armed or disarmed, or why the venue would not (its error code and message). */
export type CountdownResult = Result<void, { code: string; message: string }>;

export interface CountdownSwitch {
  /** Arms or refreshes the countdown for `symbol`. */
  arm(symbol: string, timeoutMs: number): Promise<CountdownResult>;
  /** Disarms it (a graceful stop). */
  disarm(symbol: string): Promise<CountdownResult>;
}

export const noopCountdownSwitch: CountdownSwitch = {
  arm: async () => ok(undefined),
  disarm: async () => ok(undefined),
};
