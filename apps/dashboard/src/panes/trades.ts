import { api, type TradeView } from '../api';
import { byTestId, el, fill, table } from '../dom';
import { cutDecimal, trimDecimal, utc } from '../format';

const PAGE = 20;
let limit = PAGE;

/** The latest trades (orders that filled), newest first; "more" pages further back. */
export async function refreshTrades(): Promise<void> {
  const { trades } = await api.get<{ trades: TradeView[] }>(`/api/trades?limit=${limit}`);
  const pane = byTestId('trades');
  pane.dataset['count'] = String(trades.length);
  const more = el('button', { type: 'button', class: 'link' }, 'more');
  more.addEventListener('click', () => {
    limit += PAGE;
    void refreshTrades();
  });
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
      'no trade yet',
    ),
    trades.length >= limit ? more : null,
  );
}
