import { errorText, noopMetrics, type CheckResult, type EventBus, type Logger, type Metrics, type Topics, type Unsubscribe } from '@cab/application';
import type { Clock } from '@cab/domain';
import { ALERT_TOPICS, formatAlert, MAX_MESSAGE_CHARS, truncate, URGENT_TOPICS, type AlertTopic } from './format';
import { TelegramClient } from './telegram-client';
import { TokenBucket } from './token-bucket';

export interface RateBudget {
  /** Messages that may go out at once. */
  burst: number;
  /** Sustained messages per minute. */
  perMinute: number;
}

export interface TelegramAlertsOptions {
  /** Empty token or chat id → alerts are off (a no-op subscriber). */
  botToken: string;
  chatId: string;
  apiBaseUrl?: string;
  timeoutMs?: number;
  /** Prefix for every message, e.g. "live gate BTC/USDT", to tell bots apart in one chat. */
  label?: string;
  clock: Clock;
  logger: Logger;
  metrics?: Metrics;
  /** Trades and reconcile alerts (default burst 10, 20/min: Telegram's group limit is ~20/min). */
  normalRate?: RateBudget;
  /** Safety trips and stalls (default burst 5, 10/min), kept apart so trade alerts cannot starve them. */
  urgentRate?: RateBudget;
}

/**
 * Telegram alert subscriber.
 *
 * Over the limit it DROPS AND COUNTS rather than coalescing: a coalesced digest needs a flush timer
 * and holds alerts back, while every event is already in the logs, metrics and journal. So an
 * alert over budget is dropped (`cab_telegram_alerts_dropped_total{reason}`), and the next message
 * that goes out says how many were dropped, so the operator knows to look. Safety trips and stalls
 * have their own budget. A 429 from Telegram pauses sending for its `retry_after`.
 *
 * Sending never throws into the bus: failures are logged (token redacted) and counted
 * (`cab_telegram_alerts_failed_total{reason}`); `cab_telegram_alerts_sent_total` counts successes.
 */
export class TelegramAlerts {
  readonly enabled: boolean;
  private readonly client: TelegramClient;
  private readonly logger: Logger;
  private readonly metrics: Metrics;
  private readonly buckets: { normal: TokenBucket; urgent: TokenBucket };
  private pausedUntil = 0;
  private dropped = 0;
  /** The last send's outcome: a failure keeps health degraded until a send succeeds. */
  private lastFailure: { reason: string; detail: string } | null = null;

  constructor(private readonly opts: TelegramAlertsOptions) {
    this.enabled = opts.botToken.trim() !== '' && opts.chatId.trim() !== '';
    this.client = new TelegramClient({
      botToken: opts.botToken,
      chatId: opts.chatId,
      ...(opts.apiBaseUrl ? { apiBaseUrl: opts.apiBaseUrl } : {}),
      ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
    });
    this.logger = opts.logger.child({ component: 'telegram' });
    this.metrics = opts.metrics ?? noopMetrics;
    const normal = opts.normalRate ?? { burst: 10, perMinute: 20 };
    const urgent = opts.urgentRate ?? { burst: 5, perMinute: 10 };
    this.buckets = {
      normal: new TokenBucket(opts.clock, normal.burst, normal.perMinute),
      urgent: new TokenBucket(opts.clock, urgent.burst, urgent.perMinute),
    };
  }

  /** Subscribes to the alert topics; without a token or chat id it subscribes to nothing. */
  attach(bus: EventBus): Unsubscribe {
    if (!this.enabled) {
      this.logger.info('telegram alerts disabled: no bot token or chat id');
      return () => undefined;
    }
    const offs = ALERT_TOPICS.map((topic) => bus.subscribe(topic, 'telegram', (event: Readonly<Topics[typeof topic]>) => this.alert(topic, event)));
    return () => offs.forEach((off) => off());
  }

  /** Formats and sends one alert. Resolves in every case; never throws. */
  async alert<K extends AlertTopic>(topic: K, event: Readonly<Topics[K]>): Promise<void> {
    if (!this.enabled) return;
    try {
      await this.send(topic, formatAlert(topic, event, this.opts.label));
    } catch (err) {
      // Alerts are best effort by design: a bug here costs one alert, logged and counted.
      this.metrics.counter('cab_telegram_alerts_failed_total', { reason: 'internal' });
      this.logger.error('telegram alert failed', { topic, eventId: event.eventId, error: this.client.redact(errorText(err)) });
    }
  }

  /**
   * For the HealthChecker (register it as a non-critical component): degraded while the last send
   * failed, so a revoked token or a blocked bot shows on /health instead of failing silently.
   */
  async check(): Promise<CheckResult> {
    if (!this.enabled) return { status: 'ok', detail: 'disabled' };
    const f = this.lastFailure;
    if (f) {
      return { status: 'degraded', detail: `last send failed (${f.reason}): ${f.detail}` };
    }
    return this.dropped > 0 ? { status: 'ok', detail: `${this.dropped} alerts dropped by the rate limit` } : { status: 'ok' };
  }

  /** Alerts dropped since the last message that went out. */
  droppedSinceLastSend(): number {
    return this.dropped;
  }

  private async send(topic: AlertTopic, text: string): Promise<void> {
    const now = this.opts.clock.now();
    if (now < this.pausedUntil) return this.drop(topic, 'retry_after');
    if (!this.buckets[URGENT_TOPICS.has(topic) ? 'urgent' : 'normal'].take()) return this.drop(topic, 'rate_limited');

    const dropped = this.dropped;
    const note = dropped > 0 ? `\n(${dropped} earlier alert${dropped === 1 ? '' : 's'} dropped by the rate limit: see logs)` : '';
    const outcome = await this.client.sendMessage(note ? truncate(text, MAX_MESSAGE_CHARS - note.length) + note : text);
    if (outcome.ok) {
      this.lastFailure = null;
      this.dropped -= dropped;
      this.metrics.counter('cab_telegram_alerts_sent_total', { topic });
      return;
    }
    this.metrics.counter('cab_telegram_alerts_failed_total', { reason: outcome.reason });
    this.lastFailure = { reason: outcome.reason, detail: outcome.detail };
    if (outcome.reason === 'rate_limited') {
      this.pausedUntil = this.opts.clock.now() + outcome.retryAfterMs;
      this.logger.warn('telegram rate limit: pausing alerts', { topic, retryAfterMs: outcome.retryAfterMs, detail: outcome.detail });
      return;
    }
    this.logger.error('telegram send failed', {
      topic,
      reason: outcome.reason,
      ...(outcome.reason === 'http' ? { status: outcome.status } : {}),
      detail: outcome.detail,
    });
  }

  private drop(topic: AlertTopic, reason: 'retry_after' | 'rate_limited'): void {
    this.dropped += 1;
    this.metrics.counter('cab_telegram_alerts_dropped_total', { reason });
    this.logger.debug('telegram alert dropped', { topic, reason });
  }
}
