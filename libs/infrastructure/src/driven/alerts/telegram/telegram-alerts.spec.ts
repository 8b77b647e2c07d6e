import { InProcessEventBus, type PayloadOf } from '@cab/application';
import { InMemoryDeadLetterSink, RecordingLogger, RecordingMetrics } from '@cab/application/testing';
import { FakeClock, SequentialIds } from '@cab/domain/testing';
import { createServer } from 'node:net';
import { FakeTelegramApi } from '../../../testing';
import { Secret } from '../../../settings';
import { telegramAlertsFromSettings } from './from-settings';
import { TelegramAlerts, type TelegramAlertsOptions } from './telegram-alerts';

const TOKEN = '123456:AAE-secret-token-value';
const completed: PayloadOf<'trade.completed'> = {
  symbol: 'BTC/USDT',
  side: 'buy',
  reason: 'signal',
  clientOrderId: 'cab-1',
  orderId: '9001',
  filledBase: '0.00120000',
  filledQuote: '78.00012',
  averagePrice: '65000.1',
  fee: '0.0000024',
  feeCurrency: 'BTC',
};
const halted: PayloadOf<'safety.halted'> = { code: 'BROKER.FATAL', reason: 'invalid API key' };
const blocked: PayloadOf<'trade.blocked'> = { symbol: 'BTC/USDT', side: 'buy', reasons: ['RISK.COOLDOWN'], limits: {} };

describe('TelegramAlerts against a loopback Bot API', () => {
  let api: FakeTelegramApi;
  let baseUrl: string;
  beforeEach(async () => {
    api = new FakeTelegramApi();
    baseUrl = await api.start();
  });
  afterEach(() => api.close());

  function setup(over: Partial<TelegramAlertsOptions> = {}) {
    const clock = new FakeClock(1_700_000_000_000);
    const logger = new RecordingLogger();
    const metrics = new RecordingMetrics();
    const dlq = new InMemoryDeadLetterSink();
    const bus = new InProcessEventBus({ clock, ids: new SequentialIds('ev-'), deadLetters: dlq });
    const alerts = new TelegramAlerts({ botToken: TOKEN, chatId: '-100200', apiBaseUrl: baseUrl, clock, logger, metrics, ...over });
    alerts.attach(bus);
    return { clock, logger, metrics, dlq, bus, alerts };
  }

  it('sends a short message for a completed trade to /bot<token>/sendMessage, amounts as given', async () => {
    const { bus, metrics } = setup({ label: 'live gate' });
    bus.emit('trade.completed', completed);
    await bus.drain();
    expect(api.requests).toEqual([
      {
        method: 'POST',
        path: `/bot${TOKEN}/sendMessage`,
        body: {
          chat_id: '-100200',
          text: '[live gate] ✅ BUY BTC/USDT filled: 0.00120000 BTC @ 65000.1 = 78.00012 USDT, fee 0.0000024 BTC [signal] (cab-1)',
          disable_web_page_preview: true,
        },
      },
    ]);
    expect(metrics.count('cab_telegram_alerts_sent_total', { topic: 'trade.completed' })).toBe(1);
  });

  it('alerts on blocked and failed trades, stalls and safety trips; ignores other topics', async () => {
    const { bus } = setup();
    bus.emit('trade.blocked', { ...blocked, reasons: ['RISK.COOLDOWN', 'RISK.MAX_SPREAD'] });
    bus.emit('trade.failed', {
      symbol: 'ETH/USDT',
      side: 'sell',
      clientOrderId: 'cab-2',
      kind: 'rejected',
      code: 'BROKER.MIN_NOTIONAL',
      message: 'below 3 USDT',
    });
    bus.emit('watchdog.stall', { loop: 'exits', lastRunAt: 1_700_000_000_000, stalledForMs: 95_000, thresholdMs: 60_000 });
    bus.emit('safety.halted', halted);
    bus.emit('safety.lock_refused', { scope: 'account', holder: { pid: 4242, host: 'vps-1', startedAt: '2026-11-24T03:00:00.000Z' }, detail: 'stop it first' });
    bus.emit('watchdog.heartbeat', { loops: { eval: 1 } });
    bus.emit('order.submitted', { symbol: 'BTC/USDT', side: 'buy', clientOrderId: 'c', orderId: null, status: 'submitted', filledBase: '0', filledQuote: '0' });
    await bus.drain();
    expect(api.texts().sort()).toEqual(
      [
        '⛔ BUY BTC/USDT blocked: RISK.COOLDOWN, RISK.MAX_SPREAD',
        '❌ SELL ETH/USDT failed (rejected, BROKER.MIN_NOTIONAL): below 3 USDT (cab-2)',
        '⏱ Loop "exits" stalled: no run for 95 s (limit 60 s), last 2023-11-14T22:13:20.000Z',
        '🛑 Trading HALTED (BROKER.FATAL): invalid API key',
        '🔒 Start refused: account lock held by pid 4242 on vps-1 since 2026-11-24T03:00:00.000Z. stop it first',
      ].sort(),
    );
  });

  it('is a no-op without a token or a chat id', async () => {
    for (const over of [{ botToken: '' }, { chatId: ' ' }]) {
      const { bus, alerts } = setup(over);
      expect(alerts.enabled).toBe(false);
      bus.emit('safety.halted', halted);
      await alerts.alert('safety.halted', { ...halted, eventId: 'x', ts: 0, correlationId: 'x' });
      await bus.drain();
    }
    expect(api.requests).toEqual([]);
  });

  it('drops and counts alerts over the budget, says so in the next message, and refills with time', async () => {
    const { bus, metrics, clock } = setup({ normalRate: { burst: 2, perMinute: 6 } });
    for (let i = 0; i < 5; i++) bus.emit('trade.blocked', blocked);
    await bus.drain();
    expect(api.requests).toHaveLength(2);
    expect(metrics.count('cab_telegram_alerts_dropped_total', { reason: 'rate_limited' })).toBe(3);
    clock.advance(10_000); // 6/min → one token per 10 s
    bus.emit('trade.blocked', blocked);
    await bus.drain();
    expect(api.texts()[2]).toBe('⛔ BUY BTC/USDT blocked: RISK.COOLDOWN\n(3 earlier alerts dropped by the rate limit: see logs)');
    clock.advance(10_000);
    bus.emit('trade.blocked', blocked);
    await bus.drain();
    expect(api.texts()[3]).toBe('⛔ BUY BTC/USDT blocked: RISK.COOLDOWN'); // the count was reported once
  });

  it('a burst of trade alerts does not starve a safety alert', async () => {
    const { bus } = setup({ normalRate: { burst: 1, perMinute: 1 } });
    for (let i = 0; i < 10; i++) bus.emit('trade.blocked', blocked);
    bus.emit('safety.halted', halted);
    await bus.drain();
    expect(api.texts().filter((t) => t.startsWith('🛑'))).toHaveLength(1);
  });

  it('pauses for retry_after on a 429, then sends again', async () => {
    const { bus, metrics, logger, clock } = setup();
    api.reply(FakeTelegramApi.tooManyRequests(30));
    bus.emit('safety.halted', halted);
    await bus.drain();
    bus.emit('safety.halted', halted); // inside the pause: not sent
    await bus.drain();
    expect(api.requests).toHaveLength(1);
    expect(metrics.count('cab_telegram_alerts_failed_total', { reason: 'rate_limited' })).toBe(1);
    expect(metrics.count('cab_telegram_alerts_dropped_total', { reason: 'retry_after' })).toBe(1);
    expect(logger.at('warn')[0]?.fields).toMatchObject({ retryAfterMs: 30_000, detail: 'Too Many Requests: retry after 30' });
    clock.advance(30_000);
    bus.emit('safety.halted', halted);
    await bus.drain();
    expect(api.requests).toHaveLength(2);
    expect(api.texts()[1]).toContain('(1 earlier alert dropped');
  });

  it('logs and counts a 500 without throwing into the bus, and never logs the token', async () => {
    const { bus, metrics, logger, dlq } = setup();
    api.reply({ kind: 'status', status: 500, body: { ok: false, error_code: 500, description: `Internal error for bot${TOKEN}` } });
    bus.emit('trade.completed', completed);
    await bus.drain();
    expect(dlq.entries).toEqual([]);
    expect(metrics.count('cab_telegram_alerts_failed_total', { reason: 'http' })).toBe(1);
    expect(logger.at('error')[0]).toMatchObject({
      msg: 'telegram send failed',
      fields: { reason: 'http', status: 500, detail: 'Internal error for bot<redacted>' },
    });
    expect(logger.text()).not.toContain(TOKEN);
  });

  it('reports degraded to the health checker while the last send failed, ok again after a success', async () => {
    const { bus, alerts, clock } = setup();
    expect(await alerts.check()).toEqual({ status: 'ok' });
    api.reply({ kind: 'status', status: 403, body: { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' } });
    bus.emit('safety.halted', halted);
    await bus.drain();
    expect(await alerts.check()).toEqual({ status: 'degraded', detail: 'last send failed (http): Forbidden: bot was blocked by the user' });
    clock.advance(1);
    bus.emit('safety.halted', halted);
    await bus.drain();
    expect(await alerts.check()).toEqual({ status: 'ok' });
    expect(await setup({ botToken: '' }).alerts.check()).toEqual({ status: 'ok', detail: 'disabled' });
  });

  it('a refused connection is logged and counted, the token redacted', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as { port: number };
    await new Promise<void>((r) => probe.close(() => r()));
    const { bus, metrics, logger, dlq } = setup({ apiBaseUrl: `http://127.0.0.1:${port}` });
    bus.emit('safety.halted', halted);
    await bus.drain();
    expect(dlq.entries).toEqual([]);
    expect(metrics.count('cab_telegram_alerts_failed_total', { reason: 'network' })).toBe(1);
    expect(logger.at('error')[0]?.fields['detail']).toMatch(/ECONNREFUSED/);
    expect(logger.text()).not.toContain(TOKEN);
  });

  it('gives up on a Bot API that never answers (timeout), logged and counted', async () => {
    const { bus, metrics, logger } = setup({ timeoutMs: 50 });
    api.reply({ kind: 'hang' });
    bus.emit('safety.halted', halted);
    await bus.drain();
    expect(metrics.count('cab_telegram_alerts_failed_total', { reason: 'timeout' })).toBe(1);
    expect(logger.at('error')[0]?.fields).toMatchObject({ reason: 'timeout' });
    expect(logger.text()).not.toContain(TOKEN);
  });
});

describe('telegramAlertsFromSettings', () => {
  it('reveals the token only to the client, and is off without a chat id', async () => {
    const api = new FakeTelegramApi();
    const baseUrl = await api.start();
    try {
      const deps = { clock: new FakeClock(), logger: new RecordingLogger() };
      const on = telegramAlertsFromSettings({ botToken: new Secret(TOKEN), botSecret: null, chatId: '42', apiUrl: baseUrl }, deps);
      const off = telegramAlertsFromSettings({ botToken: new Secret(TOKEN), botSecret: null, chatId: null, apiUrl: baseUrl }, deps);
      expect([on.enabled, off.enabled]).toEqual([true, false]);
      await on.alert('safety.resumed', { reason: 'operator', eventId: 'e', ts: 0, correlationId: 'c' });
      expect(api.requests.map((r) => r.path)).toEqual([`/bot${TOKEN}/sendMessage`]);
    } finally {
      await api.close();
    }
  });
});
