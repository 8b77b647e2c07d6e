/**
 * The exchange-side dead man's switch (Gate's `POST /spot/countdown_cancel_all`): armed with a
 * timeout, it cancels the symbol's open orders unless refreshed in time. Live mode implements it
 * over CcxtBroker.countdownCancelAll; paper mode uses `noopCountdownSwitch` (nothing rests there).
 */
export type CountdownResult = { ok: true } | { ok: false; code: string; message: string };

export interface CountdownSwitch {
  /** Arms or refreshes the countdown for `symbol`. */
  arm(symbol: string, timeoutMs: number): Promise<CountdownResult>;
  /** Disarms it (a graceful stop). */
  disarm(symbol: string): Promise<CountdownResult>;
}

export const noopCountdownSwitch: CountdownSwitch = {
  arm: async () => ({ ok: true }),
  disarm: async () => ({ ok: true }),
};
