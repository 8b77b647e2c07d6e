import { InProcessEventBus } from '@cab/application';
import { InMemoryDeadLetterSink, RecordingLogger } from '@cab/application/testing';
import { SequentialIds } from '@cab/domain/testing';
import { TimerScheduler } from '../../scheduling/timer-scheduler';
import { FakeTelegramApi } from '../../../testing';
import { systemClock } from '../../time/system-time';
import { TelegramAlerts } from './telegram-alerts';

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 2));
}

describe('a Telegram API that hangs does not slow the trading loop (real timers, real HTTP)', () => {
  it('the eval loop keeps ticking and publishing while the first alert is still in flight', async () => {
    const api = new FakeTelegramApi().reply({ kind: 'hang' });
    const baseUrl = await api.start();
    const logger = new RecordingLogger();
    const bus = new InProcessEventBus({ clock: systemClock, ids: new SequentialIds(), deadLetters: new InMemoryDeadLetterSink() });
    new TelegramAlerts({ botToken: '1:T', chatId: '1', apiBaseUrl: baseUrl, timeoutMs: 60_000, clock: systemClock, logger }).attach(bus);
    const scheduler = new TimerScheduler({ clock: systemClock });
    let ticks = 0;
    scheduler.every('eval', 1, () => {
      ticks += 1;
      bus.emit('trade.blocked', { symbol: 'BTC/USDT', side: 'buy', reasons: ['RISK.COOLDOWN'], limits: {} });
    });
    try {
      await until(() => api.requests.length === 1); // the first alert reached Telegram, which never answers
      const ticksThen = ticks;
      await until(() => ticks >= ticksThen + 10);
      expect(api.requests).toHaveLength(1); // still hanging: later alerts wait in the subscriber's queue
      expect(bus.stats().queued).toBeGreaterThanOrEqual(10);
    } finally {
      await scheduler.stop();
      await api.close(); // the hung request fails now; the queued ones find nobody listening
      await bus.drain();
    }
    expect(logger.at('error').length).toBeGreaterThanOrEqual(1);
  });
});
