import { roundDp, str, ZERO, type Decimal } from '@cab/domain';
import type { Exchange } from './engine/exchange';
import type { EmuOrder, EmuTrade } from './engine/types';

const secs = (ms: number): string => String(Math.floor(ms / 1000));

/** Trims a decimal to at most `dp` places without trailing zeros. */
const fmt = (x: Decimal, dp = 12): string => str(roundDp(x, dp, 'nearest'));

/** The order object exactly as Gate returns it (the fields ccxt 4.5 reads; tools/exchange-emulator/README.md). */
export function orderJson(o: EmuOrder, ex: Exchange): Record<string, unknown> {
  const pair = ex.pair(o.pair);
  const marketBuy = o.type === 'market' && o.side === 'buy';
  const left = marketBuy ? o.amount.minus(o.filledTotal) : o.amount.minus(o.filledAmount);
  const avg = o.filledAmount.gt(ZERO) ? o.filledTotal.div(o.filledAmount) : ZERO;
  const finishAs = o.reportCancelled && o.finishAs !== 'open' ? 'cancelled' : o.finishAs;
  return {
    id: o.id,
    text: o.text,
    amend_text: '-',
    create_time: secs(o.createdMs),
    update_time: secs(o.updatedMs),
    create_time_ms: String(o.createdMs),
    update_time_ms: String(o.updatedMs),
    status: o.status,
    currency_pair: o.pair,
    type: o.type,
    account: 'spot',
    side: o.side,
    amount: str(o.amount),
    price: str(o.price),
    time_in_force: o.timeInForce,
    iceberg: '0',
    left: fmt(left),
    filled_amount: str(o.filledAmount),
    fill_price: fmt(o.filledTotal),
    filled_total: fmt(o.filledTotal),
    avg_deal_price: fmt(avg, pair.spec.precision + 4),
    fee: str(o.fee),
    fee_currency: o.feeCurrency,
    point_fee: '0',
    gt_fee: '0',
    gt_maker_fee: '0',
    gt_taker_fee: '0',
    gt_discount: false,
    rebated_fee: '0',
    rebated_fee_currency: o.side === 'buy' ? pair.spec.quote : pair.spec.base,
    finish_as: finishAs,
  };
}

/** A fill as GET /spot/my_trades returns it. */
export function tradeJson(t: EmuTrade): Record<string, unknown> {
  return {
    id: t.id,
    create_time: secs(t.ts),
    create_time_ms: `${t.ts}.000000`,
    currency_pair: t.pair,
    side: t.side,
    role: t.role,
    amount: str(t.amount),
    price: str(t.price),
    order_id: t.orderId,
    fee: str(t.fee),
    fee_currency: t.feeCurrency,
    point_fee: '0',
    gt_fee: '0',
    amend_text: '-',
    sequence_id: String(t.seq),
    text: t.text,
  };
}
