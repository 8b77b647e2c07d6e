import { api, type BalanceView, type PnlView, type StatusView } from '../api';
import { byTestId, el, facts, fill, table } from '../dom';
import { cutDecimal, duration, fractionAsPercent, trimDecimal, utc } from '../format';

/** Mode, orchestrator and trading state, halts with their reasons, loops, /health components, balances, PnL today. */
export async function refreshStatus(): Promise<StatusView> {
  const [s, pnl, bal] = await Promise.all([
    api.get<StatusView>('/api/status'),
    api.get<PnlView>('/api/pnl'),
    api.get<{ balances: BalanceView[]; errors: string[] }>('/api/balances'),
  ]);
  const o = s.orchestrator;
  const pane = byTestId('status');
  pane.dataset['trading'] = o.trading;
  pane.dataset['state'] = o.state;
  fill(
    pane,
    el(
      'div',
      { class: 'badges' },
      el('span', { class: `badge mode-${s.mode}` }, s.mode),
      el('span', { class: `badge state-${o.state}`, 'data-testid': 'orchestrator-state' }, o.state),
      el('span', { class: `badge trading-${o.trading}`, 'data-testid': 'trading-state' }, o.trading),
      el('span', { class: `badge health-${s.health.status}` }, `health ${s.health.status}`),
    ),
    s.halts.length > 0
      ? el(
          'ul',
          { class: 'halts', 'data-testid': 'halts' },
          ...s.halts.map((h) => el('li', {}, el('b', {}, h.code), ` (${h.level}) since ${utc(h.since)}: ${h.reason}`)),
        )
      : null,
    facts([
      ['symbols', o.symbols.join(', ')],
      ['started', utc(o.startedAt)],
      [
        'PnL today',
        `${cutDecimal(pnl.totals.netQuote, 4)} net (${cutDecimal(pnl.totals.realizedQuote, 4)} realized, ${cutDecimal(pnl.totals.feesQuote, 4)} fees) · ${pnl.date}`,
      ],
      ['unrealized', cutDecimal(pnl.totals.unrealizedQuote, 4)],
      ['win rate today', `${fractionAsPercent(pnl.totals.winRate)} of ${pnl.totals.closedTrades}`],
    ]),
    table(
      ['balance', 'free', 'in orders'],
      bal.balances.flatMap((b) => [
        [b.base, trimDecimal(b.freeBase), trimDecimal(b.usedBase)],
        [b.quote, trimDecimal(b.freeQuote), trimDecimal(b.usedQuote)],
      ]),
      bal.errors.join('; ') || 'no balances',
    ),
    table(
      ['loop', 'runs', 'errors', 'every', 'last run', 'last error'],
      Object.entries(o.loops).map(([name, l]) => [name, String(l.runs), String(l.errors), duration(l.intervalMs), utc(l.lastRunAt), l.lastError ?? '']),
    ),
    table(
      ['component', 'status', 'detail'],
      s.health.components.map((c) => [c.name, el('span', { class: `health-${c.status}` }, c.status), c.detail ?? '']),
    ),
  );
  return s;
}
