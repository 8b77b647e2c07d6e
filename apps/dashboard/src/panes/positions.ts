import { api, type PositionView, type TradeView } from '../api';
import { byTestId, el, fill, table } from '../dom';
import { cutDecimal, signOf, trimDecimal, utc } from '../format';

/** Open positions with their stops and unrealized PnL; each with a force-exit button (confirmed first). */
export async function refreshPositions(onForceExit: (symbol: string) => void, onCancel: (clientOrderId: string) => void): Promise<void> {
  const [{ positions }, { orders }] = await Promise.all([
    api.get<{ positions: PositionView[] }>('/api/positions'),
    api.get<{ orders: TradeView[] }>('/api/orders/open'),
  ]);
  const open = positions.filter((p) => p.openedAt !== null && signOf(p.baseQty) > 0);
  const pane = byTestId('positions');
  pane.dataset['count'] = String(open.length);
  fill(
    pane,
    table(
      ['symbol', 'amount', 'entry', 'mark', 'unrealized', 'stop', 'trailing', 'opened', ''],
      open.map((p) => [
        p.symbol,
        trimDecimal(p.baseQty),
        cutDecimal(p.avgEntry, 2),
        cutDecimal(p.markPrice, 2),
        el('span', { class: `pnl-${signOf(p.unrealizedPnl)}` }, cutDecimal(p.unrealizedPnl, 4)),
        cutDecimal(p.stopPrice, 2),
        cutDecimal(p.trailingStopPrice, 2),
        utc(p.openedAt),
        forceExitButton(p.symbol, onForceExit),
      ]),
      'flat: no open position',
    ),
    el('h3', {}, 'open orders'),
    table(
      ['order', 'symbol', 'side', 'status', 'created', ''],
      orders.map((o) => [o.clientOrderId, o.symbol, o.side, o.status, utc(o.createdAt), cancelButton(o.clientOrderId, onCancel)]),
      'no open order',
    ),
  );
}

function forceExitButton(symbol: string, onForceExit: (symbol: string) => void): HTMLButtonElement {
  const b = el('button', { type: 'button', class: 'danger', 'data-testid': 'force-exit', 'data-symbol': symbol }, 'force exit');
  b.addEventListener('click', () => onForceExit(symbol));
  return b;
}

function cancelButton(clientOrderId: string, onCancel: (clientOrderId: string) => void): HTMLButtonElement {
  const b = el('button', { type: 'button', 'data-testid': 'cancel-order', 'data-order': clientOrderId }, 'cancel');
  b.addEventListener('click', () => onCancel(clientOrderId));
  return b;
}
