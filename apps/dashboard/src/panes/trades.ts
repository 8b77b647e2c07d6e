import { api, type TradeView } from '../api';
import { byTestId, el, fill, table } from '../dom';
import { cutDecimal, trimDecimal, utc } from '../format';

const PAGE = 20;
let offset = 0;

/** Trades (orders that filled), newest first, a page at a time (`/api/trades?offset=&limit=`). */
export async function refreshTrades(): Promise<void> {
  const { trades } = await api.get<{ trades: TradeView[] }>(`/api/trades?limit=${PAGE}&offset=${offset}`);
  const pane = byTestId('trades');
  pane.dataset['count'] = String(trades.length);
  const pager = (label: string, to: number, enabled: boolean) => {
    const b = el('button', { type: 'button', class: 'link', disabled: !enabled }, label);
    b.addEventListener('click', () => {
      offset = to;
      void refreshTrades();
    });
    return b;
  };
  fill(
    pane,
    table(
      ['time', 'symbol', 'side', 'amount', 'price', 'quote', 'fee', 'status', 'why'],
      trades.map((t) => [
        utc(t.updatedAt),
        t.symbol,
        el('span', { class: `side-${t.side}` }, t.side),
        trimDecimal(t.filledBase),
        cutDecimal(t.averagePrice, 2),
        cutDecimal(t.filledQuote, 4),
        `${trimDecimal(t.fee)} ${t.feeCurrency ?? ''}`,
        t.status,
        el('span', { class: 'reason', 'data-testid': 'trade-reason' }, t.reason ?? ''),
      ]),
      offset === 0 ? 'no trade yet' : 'no older trade',
    ),
    el('div', { class: 'pager' }, pager('‹ newer', Math.max(0, offset - PAGE), offset > 0), pager('older ›', offset + PAGE, trades.length >= PAGE)),
  );
}
