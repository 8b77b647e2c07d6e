import { api, type DecisionView } from '../api';
import { byTestId, el, fill, table } from '../dom';
import { trimDecimal, utc } from '../format';

/** Every buy/sell signal with its risk verdict: which rule refused it, its limit and what was measured. */
export async function refreshDecisions(): Promise<void> {
  const { decisions } = await api.get<{ decisions: DecisionView[] }>('/api/decisions?limit=30');
  fill(
    byTestId('decisions'),
    table(
      ['time', 'symbol', 'signal', 'why', 'risk'],
      decisions.map((d) => [utc(d.ts), d.symbol ?? '', d.action, d.signalReasons.join('; '), verdict(d)]),
      'no decision yet',
    ),
  );
}

/**
 * An allowed verdict says so; a refused one is a table, one row per violated rule: the rule, its
 * threshold, the value observed and the rule's own words ("why didn't it buy?").
 */
function verdict(d: DecisionView): Node | string {
  if (!d.risk) return d.action === 'hold' ? '' : 'not checked (no order sized)';
  if (d.risk.ok) return el('span', { class: 'ok' }, 'allowed');
  const limits = Object.entries(d.risk.limits).map(([k, v]) => `${k} ${v}`);
  return el(
    'div',
    { class: 'refused', 'data-testid': 'refusals' },
    table(
      ['rule', 'limit', 'observed', 'why'],
      d.risk.refusals.map((r) => [el('b', {}, r.rule), trimDecimal(r.limit), trimDecimal(r.observed), r.message]),
      'refused',
    ),
    // Everything the rules looked at, passed or not, for context.
    limits.length ? el('div', { class: 'muted' }, limits.join(' · ')) : null,
  );
}
