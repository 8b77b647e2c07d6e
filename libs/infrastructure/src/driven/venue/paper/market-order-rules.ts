import { divide, quantize, roundDp, str, ZERO, type Decimal, type IdGenerator, type Instrument, type Side } from '@cab/domain';
import { fail, type BrokerResult, type OrderDTO } from '@cab/application';
import { REJECT } from '../reject-codes';
import type { Walk } from './matching';
import { bestLevel, type BookSides } from './synthetic-book';

/**
 * Gate's rules for a market order, shared by PaperVenue (async, persisted) and SimulatedVenue
 * (synchronous, for the backtest core): the same grid, limits, refusals, fees and IOC status,
 * so the two fill an order identically. Pure: the callers hold the account and the book.
 */

/** What Gate accepts as `text` (client order id), with or without ccxt's "t-" prefix: at most 28 characters. */
const CLIENT_ID_RE = /^[0-9A-Za-z_.-]{1,28}$/;

export function checkClientId(clientOrderId: string): BrokerResult<never> | null {
  return CLIENT_ID_RE.test(clientOrderId)
    ? null
    : rejected(REJECT.INVALID_CLIENT_ID, `client order id ${JSON.stringify(clientOrderId)} must be 1-28 characters of [0-9A-Za-z_.-]`);
}

/** A market buy's cost as ccxt sends it (on the price grid, truncated), or Gate's min-notional refusal. */
export function buyCost(inst: Instrument, quoteAmount: Decimal): BrokerResult<Decimal> {
  const quote = quantize(quoteAmount, inst.priceTick, 'down');
  if (quote.lte(ZERO) || quote.lt(inst.minNotional))
    return rejected(REJECT.MIN_NOTIONAL, `${inst.symbol}: order value ${str(quote)} ${inst.quote} is below the minimum ${str(inst.minNotional)}`);
  return { ok: true, value: quote };
}

/** Gate's balance refusal of a buy spending more than the free quote; null when it fits. */
export function buyBalanceRefusal(inst: Instrument, quote: Decimal, free: Decimal): BrokerResult<never> | null {
  return quote.gt(free) ? rejected(REJECT.BALANCE, `${inst.symbol}: buying for ${str(quote)} ${inst.quote} needs more than the free ${str(free)}`) : null;
}

/** Gate's min-base refusal of a buy that would get less than the minimum at the best ask; null when it passes. */
export function buyMinBaseRefusal(inst: Instrument, quote: Decimal, book: BookSides): BrokerResult<never> | null {
  const bestAsk = bestLevel(book.asks);
  return bestAsk && quote.lt(inst.minBase.times(bestAsk.price))
    ? rejected(REJECT.MIN_BASE, `${inst.symbol}: ${str(quote)} ${inst.quote} buys less than the minimum ${str(inst.minBase)} ${inst.base}`)
    : null;
}

/** A market sell's base on the amount grid (rounded down), or Gate's min-base refusal. */
export function sellAmount(inst: Instrument, baseAmount: Decimal): BrokerResult<Decimal> {
  const base = quantize(baseAmount, inst.amountStep, 'down');
  if (base.lte(ZERO) || base.lt(inst.minBase))
    return rejected(REJECT.MIN_BASE, `${inst.symbol}: amount ${str(base)} ${inst.base} is below the minimum ${str(inst.minBase)}`);
  return { ok: true, value: base };
}

/** Gate's min-notional refusal of a sell worth less than the minimum at the best bid; null when it passes. */
export function sellMinNotionalRefusal(inst: Instrument, base: Decimal, book: BookSides): BrokerResult<never> | null {
  const bestBid = bestLevel(book.bids);
  return bestBid && base.times(bestBid.price).lt(inst.minNotional)
    ? rejected(REJECT.MIN_NOTIONAL, `${inst.symbol}: order value ${str(base.times(bestBid.price))} ${inst.quote} is below the minimum ${str(inst.minNotional)}`)
    : null;
}

/** Gate's balance refusal of a sell of more than the free base; null when it fits. */
export function sellBalanceRefusal(inst: Instrument, base: Decimal, free: Decimal): BrokerResult<never> | null {
  return base.gt(free) ? rejected(REJECT.BALANCE, `${inst.symbol}: selling ${str(base)} ${inst.base} needs more than the free ${str(free)}`) : null;
}

/** A new market order (closed until a walk says otherwise), with the next id. */
export function newOrder(
  id: string,
  inst: Instrument,
  side: Side,
  clientOrderId: string,
  now: number,
  requested: { requestedQuote: Decimal | null; requestedBase: Decimal | null },
): OrderDTO {
  return {
    id,
    clientOrderId,
    symbol: inst.symbol,
    side,
    type: 'market',
    status: 'closed',
    ...requested,
    filledBase: ZERO,
    filledQuote: ZERO,
    averagePrice: null,
    fee: ZERO,
    feeCurrency: null,
    createdAt: now,
    updatedAt: now,
    fills: [],
  };
}

/** Turns a walk into fills with Gate's fees (buy: base; sell: quote) and an IOC status. */
export function applyWalk(order: OrderDTO, walk: Walk, inst: Instrument, now: number, ids: IdGenerator): void {
  const feeCurrency = order.side === 'buy' ? inst.base : inst.quote;
  let fee = ZERO;
  for (const e of walk.executions) {
    const f = order.side === 'buy' ? e.amount.times(inst.takerFee) : e.cost.times(inst.takerFee);
    fee = fee.plus(f);
    order.fills.push({ id: ids.next(), orderId: order.id, ts: now, side: order.side, price: e.price, amount: e.amount, cost: e.cost, fee: f, feeCurrency });
  }
  order.filledBase = walk.filledBase;
  order.filledQuote = walk.filledQuote;
  order.averagePrice = walk.filledBase.gt(ZERO) ? roundDp(divide(walk.filledQuote, walk.filledBase), 12, 'nearest') : null;
  order.fee = fee;
  order.feeCurrency = walk.executions.length > 0 ? feeCurrency : null;
  // IOC: what the book could not fill is canceled (Gate: finish_as "ioc"); nothing filled → canceled too.
  order.status = walk.exhausted || walk.executions.length === 0 ? 'canceled' : 'closed';
}

export function rejected(code: string, message: string): BrokerResult<never> {
  return fail({ kind: 'rejected', code, message });
}

export function unknownSymbol(symbol: string): BrokerResult<never> {
  return rejected(REJECT.UNKNOWN_SYMBOL, `paper broker does not trade ${symbol}`);
}

export function noMarket(symbol: string): BrokerResult<never> {
  return fail({ kind: 'retryable', code: 'PAPER.NO_MARKET_DATA', message: `no price for ${symbol} yet` });
}
