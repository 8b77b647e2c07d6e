import { VirtualScheduler, type Scheduler } from '@cab/application';
import { RecordingMetrics } from '@cab/application/testing';
import { systemClock } from '../time/system-time';
import { schedulerContract } from './scheduler.contract';
import { TimerScheduler } from './timer-scheduler';

schedulerContract('TimerScheduler (real timers)', {
  make() {
    const metrics = new RecordingMetrics();
    const scheduler = new TimerScheduler({ clock: systemClock, metrics });
    return { scheduler, failures: () => metrics.countAll('cab_scheduler_errors_total') };
  },
  async until(_s: Scheduler, cond: () => boolean) {
    while (!cond()) await new Promise((r) => setTimeout(r, 2));
  },
});

schedulerContract('VirtualScheduler (virtual time)', {
  make() {
    let failures = 0;
    const scheduler = new VirtualScheduler({ startMs: 0, onError: () => void (failures += 1) });
    return { scheduler, failures: () => failures };
  },
  async until(s: Scheduler, cond: () => boolean) {
    const v = s as VirtualScheduler;
    for (let i = 0; !cond(); i++) {
      if (i > 10_000) throw new Error('condition never held in virtual time');
      await v.advance(1);
    }
  },
});
