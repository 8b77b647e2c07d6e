import type { OrchestratorStatus } from '@cab/application';
import { dec, splitSymbol, ZERO } from '@cab/domain';
import { MAX_MESSAGE_CHARS, truncate } from '../../driven/alerts/telegram/format';
import type { PositionView, TradeView } from '../http/read-models';
import { baseText, percentText, priceText, quoteText, signedQuoteText } from './money-text';
import type { DaySummary, PnlSummary } from '../reports/pnl-history';
import type { Balances } from './read-side';

/**
 * The texts the commands answer with: plain text (no parse_mode, so nothing needs escaping), every
 * amount from a decimal string through money-text.ts, cut to Telegram's 4096 characters.
 */

const fit = (lines: readonly string[]): string => truncate(lines.join('\n'), MAX_MESSAGE_CHARS);
const quoteOf = (symbols: readonly string[]): string => (symbols[0] ? splitSymbol(symbols[0]).quote : '');
const utc = (ms: number): string => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

export const HELP_TEXT = fit([
  'Commands (answered in this chat only):',
  '/status – mode, trading state, halts, positions',
  '/profit – realised PnL, fees, win rate: all time and today',
  '/balance – the account’s balances',
  '/daily [days] – PnL per UTC day (default 7, at most 90)',
  '/trades [n] – the last trades (default 10, at most 50)',
  '/stopentries – no new entries; exits keep working',
  '/resume – lift /stopentries (and the operator’s halts)',
  '/start – start trading (asks to confirm)',
  '/stop – stop trading (protective exits stop too)',
  '/forceexit SYMBOL – sell the whole position now (asks to confirm)',
  '/help – this list',
]);

function positionLine(p: PositionView): string {
  const { base, quote } = splitSymbol(p.symbol);
  const mark = p.markPrice !== null ? `, mark ${priceText(p.markPrice)}` : '';
  const upnl = p.unrealizedPnl !== null ? `, unrealised ${signedQuoteText(p.unrealizedPnl)} ${quote}` : '';
  const stop =
    p.trailingStopPrice !== null ? `, trailing stop ${priceText(p.trailingStopPrice)}` : p.stopPrice !== null ? `, stop ${priceText(p.stopPrice)}` : '';
  return `• ${p.symbol}: ${baseText(p.baseQty)} ${base} @ ${priceText(p.avgEntry)}${mark}${upnl}${stop}`;
}

export function statusText(s: OrchestratorStatus, positions: readonly PositionView[]): string {
  const held = positions.filter((p) => dec(p.baseQty).gt(ZERO));
  return fit([
    `📊 ${s.mode} · ${s.state} · trading ${s.trading}`,
    s.haltReasons.length === 0 ? 'Halts: none' : `Halts:\n${s.haltReasons.map((r) => `• ${r}`).join('\n')}`,
    `Symbols: ${s.symbols.join(', ')}`,
    held.length === 0 ? 'Positions: flat' : `Positions:\n${held.map(positionLine).join('\n')}`,
  ]);
}

function summaryLine(label: string, s: PnlSummary, quote: string): string {
  const trips = s.closedTrades === 1 ? '1 round trip' : `${s.closedTrades} round trips`;
  const rate = s.winRate !== null ? `, ${s.wins} won / ${s.losses} lost, win rate ${percentText(s.winRate)}` : '';
  return `${label}: net ${signedQuoteText(s.netQuote)} ${quote} (realised ${signedQuoteText(s.realizedQuote)}, fees ${quoteText(s.feesQuote)}) · ${trips}${rate}`;
}

export function profitText(allTime: PnlSummary, today: PnlSummary, todayDate: string, symbols: readonly string[], warnings: readonly string[] = []): string {
  const quote = quoteOf(symbols);
  return fit([
    `💰 Profit (${symbols.join(', ')})`,
    summaryLine('All time', allTime, quote),
    summaryLine(`Today ${todayDate} UTC`, today, quote),
    ...warnings.map((w) => `⚠️ ${w}`),
  ]);
}

export function dailyText(days: readonly DaySummary[], symbols: readonly string[]): string {
  const quote = quoteOf(symbols);
  const trips = (n: number): string => (n === 1 ? '1 trip' : `${n} trips`);
  return fit([
    `📅 PnL per UTC day, last ${days.length} (${quote}, net = realised − fees)`,
    ...[...days]
      .reverse()
      .map(
        (d) =>
          `${d.date}: net ${signedQuoteText(d.netQuote)} (realised ${signedQuoteText(d.realizedQuote)}, fees ${quoteText(d.feesQuote)}), ${trips(d.closedTrades)}`,
      ),
  ]);
}

export function tradesText(trades: readonly TradeView[], asked: number): string {
  if (trades.length === 0) return 'No trades yet.';
  const line = (t: TradeView): string => {
    const { base, quote } = splitSymbol(t.symbol);
    const price = t.averagePrice !== null ? ` @ ${priceText(t.averagePrice)}` : '';
    const fee = t.feeCurrency !== null ? `, fee ${t.feeCurrency === quote ? quoteText(t.fee) : baseText(t.fee)} ${t.feeCurrency}` : '';
    const reason = t.reason ? ` (${t.reason})` : '';
    return `${utc(t.createdAt)} ${t.side.toUpperCase()} ${baseText(t.filledBase)} ${base}${price} = ${quoteText(t.filledQuote)} ${quote}${fee}${reason}`;
  };
  return fit([`🧾 Last ${Math.min(asked, trades.length)} trades (UTC, newest first)`, ...trades.map(line)]);
}

export function balanceText(b: Balances): string {
  const amount = (l: Balances['lines'][number], v: string): string => (l.quote ? quoteText(v) : baseText(v));
  return fit([
    '🏦 Balances',
    ...(b.lines.length === 0 ? ['(none read)'] : b.lines.map((l) => `• ${l.currency}: ${amount(l, l.free)} free, ${amount(l, l.used)} in orders`)),
    ...b.errors.map((e) => `⚠️ ${e}`),
  ]);
}
