import { dec, isDecimalString, quantize, str, ZERO, type Clock, type Decimal, type Instrument, type OrderBook } from '@cab/domain';
import {
  fail,
  ok,
  type BalanceDTO,
  type Broker,
  type BrokerError,
  type BrokerResult,
  type FillDTO,
  type OrderDTO,
  type OrderRef,
  type TickerDTO,
} from '@cab/application';
import { CircuitBreaker, type BreakerPolicy, type BreakerState } from '../../resilience/circuit-breaker';
import { realSleep, retry, type RetryPolicy } from '../../resilience/retry';
import { REJECT } from '../reject-codes';
import { BROKER_CODE, classifyCcxtError, CLOCK_LABEL, gateLabel, isOutage, type CallKind, type CcxtModule } from './errors';
import { balanceFromGate, fillFromGate, instrumentFromGate, orderFromGate } from './gate-parse';
import { ccxtExchangeId, loadCcxt, makeGateClient, type GateClient } from './gate-client';
import { GATE_CAPABILITIES } from './gate-capabilities';
import { toGatePair, toGateText } from './symbols';
import { MAX_TRADE_REQUESTS, readTradePages, TRADES_PAGE } from './trade-pages';

export interface GateVenueOptions {
  /** EXCHANGE setting: "gateio" (or "gate"). Default gateio. */
  exchange?: string;
  /** API_KEY / API_SECRET: a plain string or a settings `Secret` (revealed only to build the ccxt client). */
  apiKey: SecretLike;
  apiSecret: SecretLike;
  /** EXCHANGE_API_URL: points every ccxt endpoint here (e.g. the emulator's http://127.0.0.1:8600/api/v4). */
  apiUrl?: string;
  /** HTTP_TIMEOUT_SEC × 1000: per request. */
  timeoutMs: number;
  /** Reads and cancels only; order creation is never retried. */
  retry: RetryPolicy;
  breaker: BreakerPolicy;
  /** ccxt's own rate limiter; on unless a test turns it off. */
  enableRateLimit?: boolean;
  clock?: Clock;
  /** Requests one fetchMyTrades may make (pages × 30-day windows) before it answers an error; MAX_TRADE_REQUESTS by default. */
  maxTradeRequests?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

type Raw = Record<string, unknown>;

/** A secret that masks itself when printed (settings' `Secret`), or a plain string. */
export type SecretLike = string | { reveal(): string };

const reveal = (s: SecretLike): string => (typeof s === 'string' ? s : s.reveal());

const systemClock: Clock = { now: () => Date.now() };

/**
 * The live Broker: ccxt's `gate` class on the spot account. Expected failures come back as
 * BrokerResult values, classified once in errors.ts; reads and cancels are retried with backoff
 * and jitter; a circuit breaker stops calls after repeated outages; order creation is sent once —
 * a timeout or 5xx on it is "ambiguous" and the caller settles it by client order id.
 */
export class GateVenue implements Broker {
  readonly name = 'gate';
  readonly capabilities = GATE_CAPABILITIES;
  // # fields: the ccxt client holds the revealed secret and must not show in inspect/JSON.
  #client: GateClient | null = null;
  #ccxt: CcxtModule | null = null;
  private markets: Promise<void> | null = null;
  private readonly instruments = new Map<string, Instrument>();
  private readonly breaker: CircuitBreaker;
  readonly #secrets: string[];
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  // Credentials are kept out of `opts` so no printout of the broker can carry them.
  readonly #apiKey: string;
  readonly #apiSecret: string;
  private readonly opts: Omit<GateVenueOptions, 'apiKey' | 'apiSecret'>;

  constructor(options: GateVenueOptions) {
    const { apiKey, apiSecret, ...opts } = options;
    this.opts = opts;
    this.#apiKey = reveal(apiKey);
    this.#apiSecret = reveal(apiSecret);
    ccxtExchangeId(opts.exchange ?? 'gateio');
    this.breaker = new CircuitBreaker(opts.breaker, opts.clock ?? systemClock);
    this.#secrets = [this.#apiKey, this.#apiSecret].filter((s) => s.length > 0);
    this.sleep = opts.sleep ?? realSleep;
    this.random = opts.random ?? Math.random;
  }

  /** For health checks and specs. */
  circuitState(): BreakerState {
    return this.breaker.state();
  }

  async instrument(symbol: string): Promise<BrokerResult<Instrument>> {
    const cached = this.instruments.get(symbol);
    if (cached) return ok(cached);
    const loaded = await this.call('read', async (ex) => {
      this.markets ??= ex.loadMarkets().then(() => undefined);
      try {
        await this.markets;
      } catch (e) {
        this.markets = null; // try again next time
        throw e;
      }
      return ex.market(symbol);
    });
    if (!loaded.ok) return loaded;
    const m = loaded.value as unknown as { spot?: boolean; info: Raw };
    if (m.spot === false) return fail({ kind: 'rejected', code: REJECT.UNKNOWN_SYMBOL, message: `${symbol} is not a spot market` });
    const inst = instrumentFromGate(symbol, m.info);
    this.instruments.set(symbol, inst);
    return ok(inst);
  }

  async fetchTicker(symbol: string): Promise<BrokerResult<TickerDTO>> {
    const r = await this.call('read', async (ex) => {
      const t = await ex.fetchTicker(symbol);
      const info = (t.info ?? {}) as Raw;
      const [bid, ask, last] = [info['highest_bid'], info['lowest_ask'], info['last']].map((v) => (typeof v === 'string' && isDecimalString(v) ? v : null));
      // A halted or empty pair answers without a quote: an unusable answer (retryable), never a throw.
      if (!bid || !ask || !last) {
        const { BadResponse } = this.#ccxtModule();
        throw new BadResponse(`gate ticker for ${symbol} has no bid, ask or last`);
      }
      return { bid, ask, last, ts: t.timestamp };
    });
    if (!r.ok) return r;
    return ok({
      symbol,
      bid: dec(r.value.bid),
      ask: dec(r.value.ask),
      last: dec(r.value.last),
      // Gate's ticker has no time; ccxt leaves it null.
      ts: r.value.ts ?? (this.opts.clock ?? systemClock).now(),
    });
  }

  async fetchOrderBook(symbol: string, depth = 10): Promise<BrokerResult<OrderBook>> {
    const inst = await this.instrument(symbol); // an unknown symbol is a rejection, not a throw
    if (!inst.ok) return inst;
    // The raw endpoint keeps prices as strings (ccxt's parsed book is floats).
    const r = await this.call('read', (ex) =>
      (ex as unknown as { publicSpotGetOrderBook(p: Raw): Promise<Raw> }).publicSpotGetOrderBook({
        currency_pair: toGatePair(symbol),
        limit: depth,
        with_id: 'true',
      }),
    );
    if (!r.ok) return r;
    const levels = (rows: unknown) => ((rows as [string, string][]) ?? []).map(([p, a]) => ({ price: dec(p), amount: dec(a) }));
    return ok({ symbol, bids: levels(r.value['bids']), asks: levels(r.value['asks']), ts: Number(r.value['current'] ?? 0) });
  }

  async fetchBalance(symbol: string): Promise<BrokerResult<BalanceDTO>> {
    const inst = await this.instrument(symbol);
    if (!inst.ok) return inst;
    const r = await this.call('read', (ex) => ex.fetchBalance());
    if (!r.ok) return r;
    return ok(balanceFromGate(r.value.info as Raw[], inst.value));
  }

  async createMarketBuyQuote(symbol: string, quoteAmount: Decimal, clientOrderId: string): Promise<BrokerResult<OrderDTO>> {
    const inst = await this.instrument(symbol);
    if (!inst.ok) return inst;
    const text = toGateText(clientOrderId);
    if (!text) return rejectClientId(clientOrderId);
    // Gate sizes a market buy in quote, on the price grid; never spend more than asked.
    const quote = quantize(quoteAmount, inst.value.priceTick, 'down');
    const deny = inst.value.checkQuote(quote);
    if (deny) return fail({ kind: 'rejected', code: REJECT.MIN_NOTIONAL, message: deny.message });
    return this.create(inst.value, (ex) =>
      ex.createOrder(symbol, 'market', 'buy', str(quote) as unknown as number, undefined, { text, createMarketBuyOrderRequiresPrice: false }),
    );
  }

  async createMarketSellBase(symbol: string, baseAmount: Decimal, clientOrderId: string): Promise<BrokerResult<OrderDTO>> {
    const inst = await this.instrument(symbol);
    if (!inst.ok) return inst;
    const text = toGateText(clientOrderId);
    if (!text) return rejectClientId(clientOrderId);
    const base = inst.value.qty(baseAmount, 'down');
    if (base.lte(ZERO)) return fail({ kind: 'rejected', code: REJECT.MIN_NOTIONAL, message: `${symbol}: amount ${str(baseAmount)} rounds to zero` });
    if (base.lt(inst.value.minBase))
      return fail({
        kind: 'rejected',
        code: REJECT.MIN_BASE,
        message: `${symbol}: amount ${str(base)} ${inst.value.base} is below the minimum ${str(inst.value.minBase)}`,
      });
    // The min-notional check needs a price; the exchange makes it (INVALID_PARAM_VALUE) with its own book.
    return this.create(inst.value, (ex) => ex.createOrder(symbol, 'market', 'sell', str(base) as unknown as number, undefined, { text }));
  }

  async fetchOrder(symbol: string, ref: OrderRef): Promise<BrokerResult<OrderDTO>> {
    const inst = await this.instrument(symbol);
    if (!inst.ok) return inst;
    const text = 'id' in ref ? null : toGateText(ref.clientOrderId);
    if ('clientOrderId' in ref && !text)
      return fail({
        kind: 'rejected',
        code: REJECT.NOT_FOUND,
        message: `${symbol}: ${JSON.stringify(ref.clientOrderId)} is not a client order id Gate could hold`,
      });
    const r = await this.call('read', (ex) =>
      // ccxt puts a `t-…` client id in the path: GET /spot/orders/t-…
      'id' in ref ? ex.fetchOrder(ref.id, symbol) : ex.fetchOrder('', symbol, { clientOrderId: text }),
    );
    if (!r.ok) return r;
    return ok(await this.withTrades(symbol, orderFromGate(r.value.info as Raw, inst.value)));
  }

  async fetchOpenOrders(symbol: string): Promise<BrokerResult<OrderDTO[]>> {
    const inst = await this.instrument(symbol);
    if (!inst.ok) return inst;
    const r = await this.call('read', (ex) => ex.fetchOpenOrders(symbol));
    if (!r.ok) return r;
    return ok(r.value.map((o) => orderFromGate(o.info as Raw, inst.value)));
  }

  async fetchMyTrades(symbol: string, sinceMs?: number): Promise<BrokerResult<FillDTO[]>> {
    const inst = await this.instrument(symbol);
    if (!inst.ok) return inst;
    // Every page and every 30-day window Gate needs, not only its newest 1,000 fills: a trade
    // missing here reads to the reconciler as an order that never filled.
    return readTradePages({
      ...(sinceMs === undefined ? {} : { sinceMs }),
      nowMs: (this.opts.clock ?? systemClock).now(),
      maxRequests: this.opts.maxTradeRequests ?? MAX_TRADE_REQUESTS,
      fetchPage: async ({ fromMs, toMs, page }) => {
        // The range goes as Gate's own from/to, not as ccxt's `since`: ccxt would then drop every
        // fill older than `since`, and Gate selects by the order's finish time, not the fill's.
        const range = { from: Math.floor(fromMs / 1000), to: Math.floor(toMs / 1000), page };
        const r = await this.call('read', (ex) => ex.fetchMyTrades(symbol, undefined, TRADES_PAGE, range));
        return r.ok ? ok(r.value.map((t) => fillFromGate(t.info as Raw))) : r;
      },
    });
  }

  async cancelOrder(symbol: string, ref: OrderRef): Promise<BrokerResult<OrderDTO>> {
    const inst = await this.instrument(symbol);
    if (!inst.ok) return inst;
    const text = 'id' in ref ? null : toGateText(ref.clientOrderId);
    if ('clientOrderId' in ref && !text)
      return fail({
        kind: 'rejected',
        code: REJECT.NOT_FOUND,
        message: `${symbol}: ${JSON.stringify(ref.clientOrderId)} is not a client order id Gate could hold`,
      });
    // DELETE /spot/orders/{id or t-…}?currency_pair=…: Gate takes the client id in the path while the order is open.
    const r = await this.call('cancel', (ex) => ex.cancelOrder('id' in ref ? ref.id : (text as string), symbol));
    // Already finished (filled, or a first attempt's cancel whose answer was lost): its final state is the answer.
    if (!r.ok) return r.error.kind === 'rejected' && r.error.code === REJECT.ORDER_CLOSED ? this.fetchOrder(symbol, ref) : r;
    return ok(await this.withTrades(symbol, orderFromGate(r.value.info as Raw, inst.value)));
  }

  async cancelAllOrders(symbol: string): Promise<BrokerResult<OrderDTO[]>> {
    const inst = await this.instrument(symbol);
    if (!inst.ok) return inst;
    const r = await this.call('cancel', (ex) => ex.cancelAllOrders(symbol));
    if (!r.ok) return r;
    return ok((r.value as { info: unknown }[]).map((o) => orderFromGate(o.info as Raw, inst.value)));
  }

  /** Gate's dead man's switch: cancel the symbol's open orders unless refreshed within `timeoutSec` (0 disarms). */
  async countdownCancelAll(symbol: string, timeoutSec: number): Promise<BrokerResult<{ triggerTime: number }>> {
    const r = await this.call('cancel', (ex) =>
      (ex as unknown as { privateSpotPostCountdownCancelAll(p: Raw): Promise<Raw> }).privateSpotPostCountdownCancelAll({
        timeout: timeoutSec,
        currency_pair: toGatePair(symbol),
      }),
    );
    if (!r.ok) return r;
    return ok({ triggerTime: Number(r.value['triggerTime'] ?? 0) });
  }

  async close(): Promise<void> {
    const c = this.#client as unknown as { close?: () => Promise<void> } | null;
    this.#client = null;
    if (c?.close) await c.close();
  }

  private async create(inst: Instrument, send: (ex: GateClient) => Promise<{ info: unknown }>): Promise<BrokerResult<OrderDTO>> {
    const r = await this.call('create', send);
    if (!r.ok) return r;
    const info = r.value.info as Raw;
    // Validate before trusting (docs/lessons.md #3): an answer without an order id is not an order.
    if (typeof info?.['id'] !== 'string' || info['id'] === '')
      return fail({ kind: 'ambiguous', code: BROKER_CODE.EXCHANGE_ERROR, message: 'the exchange answered without an order id' });
    return ok(await this.withTrades(inst.symbol, orderFromGate(info, inst)));
  }

  /**
   * An order with a fill gets its trades (GET /spot/my_trades?order_id=, fee and fee currency per
   * trade as Gate reports them): the settler records them as fills, deduplicated by trade id. Best
   * effort and one attempt: the order's answer never waits on backoffs or fails for its trades, and a
   * read that failed is healed by reconciliation, which records the trades of orders we know.
   */
  private async withTrades(symbol: string, order: OrderDTO): Promise<OrderDTO> {
    if (order.id === '' || order.filledBase.lte(ZERO)) return order;
    try {
      const r = await this.attempt('read', (ex) => ex.fetchMyTrades(symbol, undefined, TRADES_PAGE, { order_id: order.id }));
      if (!r.ok) return order;
      return { ...order, fills: r.value.map((t) => fillFromGate(t.info as Raw)).filter((f) => f.orderId === order.id && f.id !== '') };
    } catch {
      // Even an answer we cannot parse must not cost the order's own answer.
      return order;
    }
  }

  /** The loaded ccxt module (only called from inside a call, after ensureClient). */
  #ccxtModule(): CcxtModule {
    if (!this.#ccxt) throw new Error('ccxt not loaded yet');
    return this.#ccxt;
  }

  private async ensureClient(): Promise<{ ex: GateClient; ccxt: CcxtModule }> {
    if (!this.#client || !this.#ccxt) {
      this.#ccxt = await loadCcxt();
      this.#client = makeGateClient(this.#ccxt, {
        apiKey: this.#apiKey,
        apiSecret: this.#apiSecret,
        apiUrl: this.opts.apiUrl,
        timeoutMs: this.opts.timeoutMs,
        enableRateLimit: this.opts.enableRateLimit ?? true,
      });
    }
    return { ex: this.#client, ccxt: this.#ccxt };
  }

  /** One guarded attempt: the circuit breaker, the call, the classification. */
  private async attempt<T>(kind: CallKind, fn: (ex: GateClient) => Promise<T>): Promise<BrokerResult<T>> {
    const admission = this.breaker.admit();
    if (!admission.ok)
      return fail({
        kind: 'retryable',
        code: BROKER_CODE.CIRCUIT_OPEN,
        message: `circuit open after repeated exchange failures; next probe in ${admission.retryAfterMs} ms`,
        retryAfterMs: admission.retryAfterMs,
      });
    // Every path out of an admitted call settles the breaker: a half-open probe that ended in an
    // exception would otherwise leave the circuit refusing every call, exits included, for good.
    let client: { ex: GateClient; ccxt: CcxtModule };
    try {
      client = await this.ensureClient();
    } catch (err) {
      this.breaker.failure();
      throw err;
    }
    const { ex, ccxt } = client;
    try {
      const v = await this.withClockCorrection(ex, ccxt, fn);
      this.breaker.success();
      return ok(v);
    } catch (err) {
      let e: BrokerError;
      try {
        e = classifyCcxtError(err, ccxt, kind, this.#secrets);
      } catch (bug) {
        this.breaker.failure();
        throw bug;
      }
      if (isOutage(e)) this.breaker.failure();
      else this.breaker.success(); // the exchange answered: it is up
      return fail(withHint(e, ex, this.opts.retry.maxMs));
    }
  }

  /**
   * A signed request Gate refused for its Timestamp (REQUEST_EXPIRED: more than 60 s off the
   * venue's clock) was never executed, so it is safe to send again: ccxt learns the offset from
   * Gate's server time (GET /spot/time; it then signs with its clock minus that offset) and the call
   * is sent once more. A local clock off by minutes still trades. When the time cannot be read or the
   * venue still refuses, the original refusal stands (BROKER.CLOCK halt, see errors.ts).
   */
  private async withClockCorrection<T>(ex: GateClient, ccxt: CcxtModule, fn: (ex: GateClient) => Promise<T>): Promise<T> {
    try {
      return await fn(ex);
    } catch (err) {
      if (!(err instanceof ccxt.AuthenticationError) || gateLabel(err.message) !== CLOCK_LABEL) throw err;
      try {
        await ex.loadTimeDifference();
      } catch {
        throw err;
      }
      return await fn(ex);
    }
  }

  /** Reads and cancels are retried; creation gets exactly one attempt. */
  private call<T>(kind: CallKind, fn: (ex: GateClient) => Promise<T>): Promise<BrokerResult<T>> {
    if (kind === 'create') return this.attempt(kind, fn);
    return retry(
      () => this.attempt(kind, fn),
      (r) =>
        !r.ok && r.error.kind === 'retryable' && r.error.code !== BROKER_CODE.CIRCUIT_OPEN ? { retry: true, afterMs: r.error.retryAfterMs } : { retry: false },
      this.opts.retry,
      { sleep: this.sleep, random: this.random },
    );
  }
}

/**
 * A 429's Retry-After header (seconds), when the server sent one: a floor for the backoff, capped
 * at the retry policy's longest wait so one hint cannot stall the exits loop for minutes.
 */
function withHint(e: BrokerError, ex: GateClient, capMs: number): BrokerError {
  if (e.kind !== 'retryable' || e.code !== BROKER_CODE.RATE_LIMITED) return e;
  const headers = (ex as unknown as { last_response_headers?: Record<string, string> }).last_response_headers ?? {};
  const v = headers['Retry-After'] ?? headers['retry-after'];
  const secs = v === undefined ? NaN : Number(v);
  return Number.isFinite(secs) ? { ...e, retryAfterMs: Math.min(secs * 1000, capMs) } : e;
}

function rejectClientId(id: string): BrokerResult<never> {
  return fail({
    kind: 'rejected',
    code: REJECT.INVALID_CLIENT_ID,
    message: `client order id ${JSON.stringify(id)} must be "t-" + [0-9A-Za-z_.-], at most 28 characters in all`,
  });
}
