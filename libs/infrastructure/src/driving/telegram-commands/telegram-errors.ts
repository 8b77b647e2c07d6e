import { errorText, isErrorLike } from '@cab/application';
import { GrammyError, HttpError } from 'grammy';

/** What went wrong with a Bot API call, in words a log can keep: the token is never part of it. */
export type TelegramFailure =
  /** 429: wait `retryAfterMs` (Telegram's parameters.retry_after). */
  | { reason: 'rate_limited'; retryAfterMs: number; detail: string }
  /** 401: the token is wrong or revoked; polling again cannot help. */
  | { reason: 'unauthorized'; detail: string }
  /** 409: another process polls this bot (or a webhook is set). */
  | { reason: 'conflict'; detail: string }
  | { reason: 'http'; status: number; detail: string }
  /** No answer: refused, reset, DNS, timeout; or a body that is not the Bot API's JSON (a proxy's 502 page). */
  | { reason: 'network'; detail: string }
  | { reason: 'internal'; detail: string };

/** Removes the token from a text: grammY's network errors quote the request URL, /bot<token>/method. */
export function redactToken(text: string, token: string): string {
  return token ? text.split(token).join('<redacted>') : text;
}

/** Classifies an error from grammY's client (GrammyError: Telegram answered; HttpError: it did not). */
export function telegramFailure(e: unknown, token: string): TelegramFailure {
  if (e instanceof GrammyError) {
    const detail = redactToken(`${e.method}: ${e.error_code} ${e.description}`, token);
    if (e.error_code === 429) return { reason: 'rate_limited', retryAfterMs: (e.parameters.retry_after ?? 5) * 1000, detail };
    if (e.error_code === 401) return { reason: 'unauthorized', detail };
    if (e.error_code === 409) return { reason: 'conflict', detail };
    return { reason: 'http', status: e.error_code, detail };
  }
  if (e instanceof HttpError) {
    // The underlying error (node-fetch's) names the URL, token included: keep its words, not the URL.
    const cause = isErrorLike(e.error) ? ` (${errorText(e.error)})` : '';
    return { reason: 'network', detail: redactToken(`${e.message}${cause}`, token) };
  }
  return { reason: 'internal', detail: redactToken(errorText(e), token) };
}
