import { dec, Instrument, quantize, ZERO, type Decimal, type Side } from '@cab/domain';
import type { BalanceDTO, BrokerOrderStatus, FillDTO, OrderDTO } from '@cab/application';
import { fromGatePair, fromGateText } from './symbols';

/**
 * Gate's raw JSON (ccxt's `info`) → our DTOs. We read the raw strings, not ccxt's parsed numbers,
 * so no amount passes through a float (house rule), and Gate's quirks are handled in one place.
 */
type Raw = Record<string, unknown>;

const text = (r: Raw, k: string): string | undefined => {
  const v = r[k];
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
};
const decimal = (r: Raw, k: string, dflt = '0'): Decimal => dec(text(r, k) ?? dflt);
const ms = (r: Raw, kMs: string, kSec: string): number => {
  const m = text(r, kMs);
  if (m) return Math.floor(Number(m));
  const s = text(r, kSec);
  return s ? Math.floor(Number(s)) * 1000 : 0;
};

/** The instrument from a ccxt market's `info` (Gate's currency pair object). */
export function instrumentFromGate(symbol: string, info: Raw): Instrument {
  const pair = fromGatePair(text(info, 'id') ?? '');
  const [base, quote] = pair.split('/') as [string, string];
  const fee = decimal(info, 'fee', '0.2').div(dec('100'));
  return new Instrument({
    symbol,
    base,
    quote,
    priceTick: dec(`1e-${text(info, 'precision') ?? '8'}`),
    amountStep: dec(`1e-${text(info, 'amount_precision') ?? '8'}`),
    minBase: decimal(info, 'min_base_amount'),
    minNotional: decimal(info, 'min_quote_amount'),
    takerFee: fee,
    makerFee: fee,
  });
}

/**
 * Gate's order object → OrderDTO. The filled amounts decide the status, not `finish_as`: Gate
 * reports a filled IOC market buy as "cancelled" at times (docs/lessons.md #12), so an order that filled all
 * but dust is `closed` whatever the label says.
 */
export function orderFromGate(o: Raw, inst: Instrument): OrderDTO {
  const side = text(o, 'side') as Side;
  const type = text(o, 'type') === 'market' ? 'market' : 'limit';
  const amount = decimal(o, 'amount');
  const left = decimal(o, 'left');
  const filledQuote = dec(text(o, 'filled_total') ?? text(o, 'fill_price') ?? '0');
  const avgRaw = decimal(o, 'avg_deal_price');
  const marketBuy = type === 'market' && side === 'buy';
  let filledBase: Decimal;
  const filledAmount = text(o, 'filled_amount');
  if (filledAmount !== undefined) filledBase = dec(filledAmount);
  // Without filled_amount the base is derived from a rounded average price. 'nearest', not 'down':
  // the recorded real fill (4.998985 USDT at avg 68.02 → 0.07349…) was 0.0735, its 0.2 % base fee
  // 0.000147 proves it. The reconcile against the balance trues up any step left over.
  else if (marketBuy) filledBase = avgRaw.gt(ZERO) ? quantize(filledQuote.div(avgRaw), inst.amountStep, 'nearest') : ZERO;
  else filledBase = amount.minus(left);
  const averagePrice = avgRaw.gt(ZERO) ? avgRaw : filledBase.gt(ZERO) ? filledQuote.div(filledBase) : null;

  let fee = decimal(o, 'fee');
  let feeCurrency: string | null = text(o, 'fee_currency') ?? null;
  const gtFee = decimal(o, 'gt_fee');
  if (fee.eq(ZERO) && gtFee.gt(ZERO)) {
    // Paid in GT points instead of the traded coins.
    fee = gtFee;
    feeCurrency = 'GT';
  }
  if (fee.eq(ZERO)) feeCurrency = null;

  return {
    id: text(o, 'id') ?? '',
    clientOrderId: fromGateText(o['text']),
    symbol: fromGatePair(text(o, 'currency_pair') ?? ''),
    side,
    type,
    status: statusOf(o, inst, { marketBuy, amount, left, filledBase, averagePrice }),
    requestedQuote: marketBuy ? amount : null,
    requestedBase: marketBuy ? null : amount,
    filledBase,
    filledQuote,
    averagePrice,
    fee,
    feeCurrency,
    createdAt: ms(o, 'create_time_ms', 'create_time'),
    updatedAt: ms(o, 'update_time_ms', 'update_time'),
    fills: [],
  };
}

function statusOf(
  o: Raw,
  inst: Instrument,
  x: { marketBuy: boolean; amount: Decimal; left: Decimal; filledBase: Decimal; averagePrice: Decimal | null },
): BrokerOrderStatus {
  const status = text(o, 'status');
  const finish = text(o, 'finish_as');
  if (status === 'open' || finish === 'open') return 'open';
  if (x.filledBase.lte(ZERO)) return 'canceled';
  if (finish === 'filled') return 'closed';
  // Left over: quote for a market buy (dust if it cannot buy one more step), base otherwise.
  const dust = x.marketBuy ? x.left.lt((x.averagePrice ?? ZERO).times(inst.amountStep)) : x.left.lt(inst.amountStep);
  return dust ? 'closed' : 'canceled';
}

/** A GET /spot/my_trades row → FillDTO (fee in its real currency). */
export function fillFromGate(t: Raw): FillDTO {
  const price = decimal(t, 'price');
  const amount = decimal(t, 'amount');
  return {
    id: text(t, 'id') ?? '',
    orderId: text(t, 'order_id') ?? '',
    ts: ms(t, 'create_time_ms', 'create_time'),
    side: text(t, 'side') as Side,
    price,
    amount,
    cost: price.times(amount),
    fee: decimal(t, 'fee'),
    feeCurrency: text(t, 'fee_currency') ?? '',
  };
}

/** GET /spot/accounts rows → the symbol's two balances (absent currencies are zero). */
export function balanceFromGate(rows: Raw[], inst: Instrument): BalanceDTO {
  const of = (cur: string): { free: Decimal; used: Decimal } => {
    const r = rows.find((x) => x['currency'] === cur);
    return r ? { free: decimal(r, 'available'), used: decimal(r, 'locked') } : { free: ZERO, used: ZERO };
  };
  const b = of(inst.base);
  const q = of(inst.quote);
  return { symbol: inst.symbol, base: inst.base, quote: inst.quote, freeBase: b.free, usedBase: b.used, freeQuote: q.free, usedQuote: q.used };
}
