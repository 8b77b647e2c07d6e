import { Instrument, ZERO, dec, type Candle, type Clock, type Decimal, type OrderBook } from '@cab/domain';
import type { BalanceDTO, Broker, BrokerResult, FillDTO, OrderDTO, OrderRef, TickerDTO } from '../ports/broker';
import type { MarketData, MarketDataResult } from '../ports/market-data';
import type { VenueCapabilities } from '../ports/venue-capabilities';
import { TEST_VENUE_CAPABILITIES } from './venue-capabilities';

const notFound: BrokerResult<never> = { ok: false, error: { kind: 'rejected', code: 'ORDER_NOT_FOUND', message: 'no such order' } };

/**
 * A one-pair venue and its market data for the application's specs of the live driver: market
 * orders fill at once at the touch (fee 0.2 %: in base for a buy, in quote for a sell), candles
 * close every `timeframeMs` of `clock`, and every call is logged in order. A spec scripts it:
 * `sends` answers the creates (`fill`, `ambiguous` — the request went out, the answer was lost —
 * or `hold` until `release()`),
 * `price` moves the market, `balanceOverride` makes the venue report other balances.
 */
export class ScriptedVenue implements Broker, MarketData {
  readonly name = 'scripted';
  readonly calls: string[] = [];
  readonly orders = new Map<string, OrderDTO>();
  price = dec('50000');
  freeBase: Decimal = ZERO;
  freeQuote = dec('10000');
  sends: 'fill' | 'ambiguous' | 'hold' = 'fill';
  balanceOverride: { freeBase: Decimal } | null = null;
  /** Gate's way: creates, lookups and cancels answer without the order's trades (fetchMyTrades has them). */
  answersWithoutTrades = false;
  private held: (() => void)[] = [];
  private seq = 0;

  get capabilities(): VenueCapabilities {
    return { ...TEST_VENUE_CAPABILITIES, answersCarryTrades: this.answersWithoutTrades ? 'never' : 'always' };
  }

  constructor(
    private readonly clock: Clock,
    readonly symbol = 'BTC/USDT',
    private readonly tf = 60_000,
  ) {}

  /** Answers the held creates (they fill). */
  release(): void {
    for (const h of this.held.splice(0)) h();
  }

  timeframeMs(): number {
    return this.tf;
  }

  async candles(_symbol: string, limit: number): Promise<MarketDataResult<Candle[]>> {
    this.calls.push('candles');
    const lastOpen = Math.floor(this.clock.now() / this.tf) * this.tf - this.tf;
    const p = Number(this.price.toString());
    const list: Candle[] = [];
    for (let i = limit - 1; i >= 0; i--) list.push({ ts: lastOpen - i * this.tf, open: p, high: p, low: p, close: p, volume: 1 });
    return { ok: true, value: list };
  }

  async ticker(): Promise<MarketDataResult<TickerDTO>> {
    this.calls.push('ticker');
    return { ok: true, value: this.tickerNow() };
  }

  async instrument(): Promise<BrokerResult<Instrument>> {
    this.calls.push('instrument');
    return {
      ok: true,
      value: new Instrument({
        symbol: this.symbol,
        base: 'BTC',
        quote: 'USDT',
        priceTick: '0.01',
        amountStep: '0.000001',
        minBase: '0.00001',
        minNotional: '3',
        takerFee: '0.002',
        makerFee: '0.002',
      }),
    };
  }

  async fetchTicker(): Promise<BrokerResult<TickerDTO>> {
    return { ok: true, value: this.tickerNow() };
  }

  async fetchOrderBook(): Promise<BrokerResult<OrderBook>> {
    this.calls.push('book');
    const t = this.tickerNow();
    return { ok: true, value: { symbol: this.symbol, ts: t.ts, bids: [{ price: t.bid, amount: dec('100') }], asks: [{ price: t.ask, amount: dec('100') }] } };
  }

  async fetchBalance(): Promise<BrokerResult<BalanceDTO>> {
    this.calls.push('balance');
    const freeBase = this.balanceOverride?.freeBase ?? this.freeBase;
    return { ok: true, value: { symbol: this.symbol, base: 'BTC', quote: 'USDT', freeBase, usedBase: ZERO, freeQuote: this.freeQuote, usedQuote: ZERO } };
  }

  createMarketBuyQuote(_symbol: string, quote: Decimal, clientOrderId: string): Promise<BrokerResult<OrderDTO>> {
    this.calls.push(`buy ${clientOrderId}`);
    return this.answer(() => {
      const ask = this.tickerNow().ask;
      const base = quote.div(ask).round(6, 0);
      const fee = base.times('0.002');
      this.freeQuote = this.freeQuote.minus(base.times(ask));
      this.freeBase = this.freeBase.plus(base).minus(fee);
      return this.record(clientOrderId, 'buy', base, ask, fee, 'BTC', { requestedQuote: quote, requestedBase: null });
    });
  }

  createMarketSellBase(_symbol: string, base: Decimal, clientOrderId: string): Promise<BrokerResult<OrderDTO>> {
    this.calls.push(`sell ${clientOrderId}`);
    return this.answer(() => {
      const bid = this.tickerNow().bid;
      const fee = base.times(bid).times('0.002');
      this.freeBase = this.freeBase.minus(base);
      this.freeQuote = this.freeQuote.plus(base.times(bid)).minus(fee);
      return this.record(clientOrderId, 'sell', base, bid, fee, 'USDT', { requestedQuote: null, requestedBase: base });
    });
  }

  async fetchOrder(_symbol: string, ref: OrderRef): Promise<BrokerResult<OrderDTO>> {
    const coid = 'clientOrderId' in ref ? ref.clientOrderId : ref.id;
    this.calls.push(`order ${coid}`);
    const o = this.orders.get(coid);
    return o ? { ok: true, value: this.bare(o) } : notFound;
  }

  async fetchOpenOrders(): Promise<BrokerResult<OrderDTO[]>> {
    this.calls.push('open orders');
    return { ok: true, value: [...this.orders.values()].filter((o) => o.status === 'open') };
  }

  async fetchMyTrades(): Promise<BrokerResult<FillDTO[]>> {
    return { ok: true, value: [...this.orders.values()].flatMap((o) => o.fills) };
  }

  async cancelOrder(_symbol: string, ref: OrderRef): Promise<BrokerResult<OrderDTO>> {
    const coid = 'clientOrderId' in ref ? ref.clientOrderId : ref.id;
    this.calls.push(`cancel ${coid}`);
    const o = this.orders.get(coid);
    return o ? { ok: true, value: o } : notFound;
  }

  async cancelAllOrders(): Promise<BrokerResult<OrderDTO[]>> {
    return { ok: true, value: [] };
  }

  async close(): Promise<void> {}

  private tickerNow(): TickerDTO {
    return { symbol: this.symbol, bid: this.price.minus('1'), ask: this.price.plus('1'), last: this.price, ts: this.clock.now() };
  }

  private bare(o: OrderDTO): OrderDTO {
    return this.answersWithoutTrades ? { ...o, fills: [] } : o;
  }

  private answer(fill: () => OrderDTO): Promise<BrokerResult<OrderDTO>> {
    if (this.sends === 'ambiguous') {
      // The venue took it; the answer was lost on the way back.
      fill();
      return Promise.resolve({ ok: false, error: { kind: 'ambiguous', code: 'NETWORK.TIMEOUT', message: 'timed out' } });
    }
    if (this.sends === 'hold') return new Promise((resolve) => this.held.push(() => resolve({ ok: true, value: this.bare(fill()) })));
    return Promise.resolve({ ok: true, value: this.bare(fill()) });
  }

  private record(
    clientOrderId: string,
    side: 'buy' | 'sell',
    base: Decimal,
    price: Decimal,
    fee: Decimal,
    feeCurrency: string,
    req: Pick<OrderDTO, 'requestedQuote' | 'requestedBase'>,
  ): OrderDTO {
    const id = `x${++this.seq}`;
    const ts = this.clock.now();
    const cost = base.times(price);
    const o: OrderDTO = {
      id,
      clientOrderId,
      symbol: this.symbol,
      side,
      type: 'market',
      status: 'closed',
      ...req,
      filledBase: base,
      filledQuote: cost,
      averagePrice: price,
      fee,
      feeCurrency,
      createdAt: ts,
      updatedAt: ts,
      fills: [{ id: `t${this.seq}`, orderId: id, ts, side, price, amount: base, cost, fee, feeCurrency }],
    };
    this.orders.set(clientOrderId, o);
    return o;
  }
}
