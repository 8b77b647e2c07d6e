import type { Topics } from '@cab/application';

/** The topics Telegram alerts on: trades, reconcile problems, watchdog stalls, safety trips. */
export const ALERT_TOPICS = [
  'trade.completed',
  'trade.blocked',
  'trade.failed',
  'reconcile.mismatch',
  'watchdog.stall',
  'safety.halted',
  'safety.resumed',
  'safety.dms_tripped',
  'safety.lock_refused',
] as const satisfies readonly (keyof Topics)[];
export type AlertTopic = (typeof ALERT_TOPICS)[number];

/** Safety and stalls get their own rate budget so a burst of trade alerts cannot starve them. */
export const URGENT_TOPICS: ReadonlySet<AlertTopic> = new Set(['watchdog.stall', 'safety.halted', 'safety.dms_tripped', 'safety.lock_refused']);

/** Telegram's limit for one message. */
export const MAX_MESSAGE_CHARS = 4096;

const split = (symbol: string): [string, string] => {
  const [base = symbol, quote = ''] = symbol.split('/');
  return [base, quote];
};
const secs = (ms: number): string => `${Math.round(ms / 1000)} s`;
const iso = (ms: number | null): string => (ms === null ? 'never' : new Date(ms).toISOString());

type Formatters = { [K in AlertTopic]: (e: Readonly<Topics[K]>) => string };

/**
 * Short plain-text messages (no parse_mode, so nothing needs escaping). Amounts are printed as the
 * decimal strings the events carry, never re-parsed as numbers.
 */
const FORMAT: Formatters = {
  'trade.completed': (e) => {
    const [base, quote] = split(e.symbol);
    const price = e.averagePrice ? ` @ ${e.averagePrice}` : '';
    const fee = e.feeCurrency ? `, fee ${e.fee} ${e.feeCurrency}` : '';
    const pnl = e.realizedPnl !== undefined ? `, PnL ${e.realizedPnl} ${quote}` : '';
    return `✅ ${e.side.toUpperCase()} ${e.symbol} filled: ${e.filledBase} ${base}${price} = ${e.filledQuote} ${quote}${fee}${pnl} [${e.reason}] (${e.clientOrderId})`;
  },
  'trade.blocked': (e) => `⛔ ${e.side.toUpperCase()} ${e.symbol} blocked: ${e.reasons.join(', ') || 'no reason given'}`,
  'trade.failed': (e) => `❌ ${e.side.toUpperCase()} ${e.symbol} failed (${e.kind}, ${e.code}): ${e.message}${e.clientOrderId ? ` (${e.clientOrderId})` : ''}`,
  'reconcile.mismatch': (e) => `⚠️ Reconcile ${e.symbol} ${e.scope} ${e.subject}: ours ${e.expected}, exchange ${e.actual}${e.detail ? ` (${e.detail})` : ''}`,
  'watchdog.stall': (e) => `⏱ Loop "${e.loop}" stalled: no run for ${secs(e.stalledForMs)} (limit ${secs(e.thresholdMs)}), last ${iso(e.lastRunAt)}`,
  'safety.halted': (e) => `🛑 Trading HALTED (${e.code}): ${e.reason}`,
  'safety.resumed': (e) => `▶️ Trading resumed: ${e.reason}`,
  'safety.dms_tripped': (e) => `🚨 Dead man's switch tripped${e.symbol ? ` (${e.symbol})` : ''}: ${e.detail}`,
  'safety.lock_refused': (e) =>
    `🔒 Start refused: ${e.scope} lock held${e.holder ? ` by pid ${e.holder.pid} on ${e.holder.host} since ${e.holder.startedAt}` : ''}. ${e.detail}`,
};

export function formatAlert<K extends AlertTopic>(topic: K, event: Readonly<Topics[K]>, label?: string): string {
  const body = (FORMAT[topic] as (e: Readonly<Topics[K]>) => string)(event);
  return truncate(label ? `[${label}] ${body}` : body, MAX_MESSAGE_CHARS);
}

/** Cuts `text` to `max` UTF-16 units with an ellipsis, never through a surrogate pair (an emoji). */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut -= 1;
  return `${text.slice(0, cut)}…`;
}
