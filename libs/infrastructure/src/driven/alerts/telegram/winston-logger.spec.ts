import type { Logger } from '@cab/application';
import { FakeClock } from '@cab/domain/testing';
import { PassThrough } from 'node:stream';
import { setImmediate as tick } from 'node:timers/promises';
import { createLogger } from '../../logging';
import { FakeTelegramApi } from '../../../testing';
import { TelegramAlerts } from './telegram-alerts';

describe('TelegramAlerts with the real winston logger', () => {
  it('the app logger satisfies the Logger port, and a failed send logs JSON without the token', async () => {
    const token = '777:live-bot-token-xyz';
    const stream = new PassThrough();
    let out = '';
    stream.on('data', (c: Buffer) => (out += c.toString()));
    const logger: Logger = createLogger({ level: 'debug', stream }); // no secrets registered: our redaction alone must hold
    const api = new FakeTelegramApi().reply({ kind: 'status', status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } });
    const baseUrl = await api.start();
    try {
      const alerts = new TelegramAlerts({ botToken: token, chatId: '5', apiBaseUrl: baseUrl, clock: new FakeClock(), logger });
      await alerts.alert('safety.halted', { code: 'BROKER.FATAL', reason: 'auth', eventId: 'e', ts: 0, correlationId: 'c' });
    } finally {
      await api.close();
    }
    await tick();
    const lines = out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({ level: 'error', message: 'telegram send failed', component: 'telegram', reason: 'http', status: 401, detail: 'Unauthorized' }),
    ]);
    expect(out).not.toContain(token);
  });
});
