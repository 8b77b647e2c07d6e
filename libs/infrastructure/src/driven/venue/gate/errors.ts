import type { BrokerError } from '@cab/application';
import { Redactor } from '../../logging/redact';
import { REJECT } from '../reject-codes';

/** The ccxt module (its error classes), loaded lazily by the broker. */
export type CcxtModule = typeof import('ccxt');

/** What the failed call was: creation is never retried, so its network failures are ambiguous. */
export type CallKind = 'read' | 'create' | 'cancel';

/** Codes of the non-rejection errors (rejections carry Gate's label; see reject-codes.ts). */
export const BROKER_CODE = {
  RATE_LIMITED: 'RATE_LIMITED',
  TIMEOUT: 'TIMEOUT',
  UNAVAILABLE: 'EXCHANGE_UNAVAILABLE',
  NETWORK: 'NETWORK',
  CIRCUIT_OPEN: 'CIRCUIT_OPEN',
  AUTH: 'AUTH',
  CONFIG: 'CONFIG',
  EXCHANGE_ERROR: 'EXCHANGE_ERROR',
  BAD_RESPONSE: 'BAD_RESPONSE',
  /** More trades than one read may page through (see trade-pages.ts). */
  TRADES_TOO_MANY: 'TRADES_TOO_MANY',
} as const;

/** Gate's label for a signed request whose Timestamp is too far from the venue's clock. */
export const CLOCK_LABEL = 'REQUEST_EXPIRED';

/** Gate's `{"label": …}` from a ccxt message ("gate {"label":"…","message":"…"}"), if any. */
export function gateLabel(message: string): string | undefined {
  const at = message.indexOf('{');
  if (at < 0) return undefined;
  try {
    const body = JSON.parse(message.slice(at)) as { label?: unknown };
    return typeof body.label === 'string' ? body.label : undefined;
  } catch {
    return undefined;
  }
}

/** Removes every secret from a text that may reach a log or an API response (the logger's rules). */
export function redact(text: string, secrets: readonly string[]): string {
  return new Redactor(secrets).text(text);
}

/**
 * The one place ccxt's exception classes become BrokerErrors. Order matters: subclasses first
 * (OrderNotFound is an InvalidOrder, BadSymbol a BadRequest, RateLimitExceeded a NetworkError).
 * On a read or a cancel, anything that is not a ccxt error is a bug and is rethrown. On a create,
 * nothing may escape as an exception or a "fatal": once the request may have left, every
 * unclassified failure (ccxt's BadResponse/NullResponse for an HTML 200 from a proxy, a TypeError
 * while parsing a malformed answer) is "ambiguous", so the order stays in flight and
 * reconciliation settles it by client order id (docs/lessons.md #2).
 */
export function classifyCcxtError(err: unknown, ccxt: CcxtModule, kind: CallKind, secrets: readonly string[] = []): BrokerError {
  if (!(err instanceof ccxt.BaseError)) {
    if (kind !== 'create') throw err;
    const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return { kind: 'ambiguous', code: BROKER_CODE.BAD_RESPONSE, message: redact(text, secrets) };
  }
  const message = redact(err.message, secrets);
  const label = gateLabel(err.message);
  const rejected = (fallback: string): BrokerError => ({ kind: 'rejected', code: label ?? fallback, message });
  // Sent, and we cannot know whether the exchange acted: only reconciliation can tell (docs/lessons.md #2).
  const unsure = (code: string): BrokerError => (kind === 'create' ? { kind: 'ambiguous', code, message } : { kind: 'retryable', code, message });

  // Gate answers a Timestamp more than 60 s off its clock with REQUEST_EXPIRED: our clock, not our key.
  if (err instanceof ccxt.AuthenticationError)
    return { kind: 'fatal', code: label ?? BROKER_CODE.AUTH, message, refusal: label === CLOCK_LABEL ? 'clock' : 'auth' };
  if (err instanceof ccxt.InsufficientFunds) return rejected(REJECT.BALANCE);
  if (err instanceof ccxt.OrderNotFound) return { kind: 'rejected', code: REJECT.NOT_FOUND, message };
  if (err instanceof ccxt.InvalidOrder) return rejected('INVALID_ORDER');
  if (err instanceof ccxt.BadSymbol) return { kind: 'rejected', code: REJECT.UNKNOWN_SYMBOL, message };
  if (err instanceof ccxt.BadRequest) return rejected('BAD_REQUEST');
  // A 429 means the request was refused, not executed: safe to say "retryable" even for a create
  // (the broker still never re-sends it itself).
  if (err instanceof ccxt.RateLimitExceeded || err instanceof ccxt.DDoSProtection) return { kind: 'retryable', code: BROKER_CODE.RATE_LIMITED, message };
  if (err instanceof ccxt.RequestTimeout) return unsure(BROKER_CODE.TIMEOUT);
  if (err instanceof ccxt.ExchangeNotAvailable) return unsure(BROKER_CODE.UNAVAILABLE);
  if (err instanceof ccxt.NetworkError) return unsure(BROKER_CODE.NETWORK);
  if (err instanceof ccxt.NotSupported || err instanceof ccxt.ArgumentsRequired) return { kind: 'fatal', code: BROKER_CODE.CONFIG, message };
  // Any other answer with a label: the venue said no.
  if (err instanceof ccxt.ExchangeError) return rejected(BROKER_CODE.EXCHANGE_ERROR);
  // OperationFailed and its kin (BadResponse, NullResponse): an answer we could not read.
  if (err instanceof ccxt.OperationFailed) return unsure(BROKER_CODE.BAD_RESPONSE);
  return kind === 'create' ? { kind: 'ambiguous', code: BROKER_CODE.BAD_RESPONSE, message } : { kind: 'fatal', code: BROKER_CODE.CONFIG, message };
}

/** Whether an error says the exchange is unhealthy (counts towards opening the circuit). */
export function isOutage(e: BrokerError): boolean {
  return (e.kind === 'retryable' || e.kind === 'ambiguous') && e.code !== BROKER_CODE.CIRCUIT_OPEN;
}
