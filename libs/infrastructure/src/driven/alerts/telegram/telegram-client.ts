import { errorText, isErrorLike } from '@cab/application';

export const DEFAULT_TELEGRAM_API = 'https://api.telegram.org';

export type SendOutcome =
  | { ok: true }
  /** Telegram said "too many requests": wait `retryAfterMs` before the next message. */
  | { ok: false; reason: 'rate_limited'; retryAfterMs: number; detail: string }
  | { ok: false; reason: 'http'; status: number; detail: string }
  | { ok: false; reason: 'timeout' | 'network'; detail: string };

export interface TelegramClientOptions {
  botToken: string;
  chatId: string;
  /** Default https://api.telegram.org; tests point it at a loopback fake. */
  apiBaseUrl?: string;
  /** Per request (default 10 000 ms). */
  timeoutMs?: number;
}

/**
 * Bot API `sendMessage` over Node's fetch. Returns outcomes, never throws. The token is part of
 * the URL (`/bot<token>/sendMessage`), so every text that leaves this class goes through
 * `redact`: error messages from fetch/undici can quote the URL.
 */
export class TelegramClient {
  private readonly url: string;
  private readonly timeoutMs: number;

  constructor(private readonly opts: TelegramClientOptions) {
    const base = (opts.apiBaseUrl ?? DEFAULT_TELEGRAM_API).replace(/\/+$/, '');
    this.url = `${base}/bot${opts.botToken}/sendMessage`;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  async sendMessage(text: string): Promise<SendOutcome> {
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ chat_id: this.opts.chatId, text, disable_web_page_preview: true }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const timedOut = isErrorLike(err) && (err.name === 'TimeoutError' || err.name === 'AbortError');
      const cause = isErrorLike(err) && err.cause !== undefined ? ` (${errorText(err.cause)})` : '';
      return { ok: false, reason: timedOut ? 'timeout' : 'network', detail: this.redact(`${errorText(err)}${cause}`) };
    }
    const body = await res.text().catch(() => '');
    if (res.ok) return { ok: true };
    const parsed = parseError(body);
    const detail = this.redact(parsed.description ?? (body.slice(0, 200) || res.statusText));
    if (res.status === 429) {
      // Telegram puts the wait in parameters.retry_after (seconds); fall back to the header, then 30 s.
      const header = Number(res.headers.get('retry-after'));
      const seconds = parsed.retryAfter ?? (Number.isFinite(header) && header > 0 ? header : 30);
      return { ok: false, reason: 'rate_limited', retryAfterMs: seconds * 1000, detail };
    }
    return { ok: false, reason: 'http', status: res.status, detail };
  }

  /** Removes the token from any text (it would otherwise leak through URLs in error messages). */
  redact(text: string): string {
    return this.opts.botToken ? text.split(this.opts.botToken).join('<redacted>') : text;
  }
}

function parseError(body: string): { description?: string; retryAfter?: number } {
  try {
    const j = JSON.parse(body) as { description?: unknown; parameters?: { retry_after?: unknown } };
    const retry = j.parameters?.retry_after;
    return {
      ...(typeof j.description === 'string' ? { description: j.description } : {}),
      ...(typeof retry === 'number' && retry > 0 ? { retryAfter: retry } : {}),
    };
  } catch {
    return {};
  }
}
