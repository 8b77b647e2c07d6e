import type { CountdownSwitch, CountdownResult } from '@cab/application';
import { err, ok } from '@cab/domain';
import type { GateVenue } from '../../driven/venue/gate/gate-venue';

/** Gate's countdown_cancel_all through GateVenue (seconds, rounded up; 0 disarms). */
export class CcxtCountdownSwitch implements CountdownSwitch {
  constructor(private readonly broker: Pick<GateVenue, 'countdownCancelAll'>) {}

  async arm(symbol: string, timeoutMs: number): Promise<CountdownResult> {
    const r = await this.broker.countdownCancelAll(symbol, Math.max(5, Math.ceil(timeoutMs / 1000)));
    return r.ok ? ok(undefined) : err({ code: r.error.code, message: r.error.message });
  }

  async disarm(symbol: string): Promise<CountdownResult> {
    const r = await this.broker.countdownCancelAll(symbol, 0);
    return r.ok ? ok(undefined) : err({ code: r.error.code, message: r.error.message });
  }
}
