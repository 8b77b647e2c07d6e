import { afterEach, describe, expect, it } from '@jest/globals';
import { dec, str } from '@cab/domain';
import { FakeClock } from '@cab/domain/testing';
import type { BrokerResult } from '@cab/application';
import { inspect } from 'node:util';
import { BROKER_CODE, CcxtCountdownSwitch, REJECT, Secret } from '@cab/infrastructure';
import { makeCcxtHarness, type CcxtHarness } from './testing/ccxt-harness';
import { value } from '@cab/application/testing';

const SYMBOL = 'BTC/USDT';

function error<T>(r: BrokerResult<T>) {
  if (r.ok) throw new Error(`expected an error, got ${JSON.stringify(r.value)}`);
  return r.error;
}

const hits = (h: CcxtHarness, method: string, path: string): number => h.emu.requests.filter((r) => r.method === method && r.path === path).length;

describe('GateVenue against injected faults', () => {
  let h: CcxtHarness;
  afterEach(async () => {
    await h?.close();
  });

  async function ready(opts: Parameters<typeof makeCcxtHarness>[0] = {}): Promise<CcxtHarness> {
    h = await makeCcxtHarness(opts);
    h.emu.exchange.setBalance('USDT', '1000');
    value(await h.broker.instrument(SYMBOL)); // markets loaded before any fault is armed
    return h;
  }

  describe('429 on a read', () => {
    it('backs off with jitter and retries until it succeeds', async () => {
      await ready();
      h.emu.faults.next('GET /spot/accounts', { kind: 'status', status: 429 }, 2);
      const b = value(await h.broker.fetchBalance(SYMBOL));
      expect(str(b.freeQuote)).toBe('1000');
      expect(hits(h, 'GET', '/spot/accounts')).toBe(3);
      // base 100 ms doubling, equal jitter with random() = 0.5: 75 then 150
      expect(h.sleeps).toEqual([75, 150]);
    });

    it("takes the server's Retry-After as a floor for the backoff", async () => {
      await ready({ broker: { retry: { attempts: 3, baseMs: 100, maxMs: 5_000 } } });
      h.emu.faults.next('GET /spot/tickers', { kind: 'status', status: 429, retryAfterSec: 2 });
      value(await h.broker.fetchTicker(SYMBOL));
      expect(h.sleeps).toEqual([2000]);
    });

    it('caps a Retry-After longer than the policy allows (a read must not stall a loop for minutes)', async () => {
      await ready({ broker: { retry: { attempts: 3, baseMs: 100, maxMs: 5_000 } } });
      h.emu.faults.next('GET /spot/tickers', { kind: 'status', status: 429, retryAfterSec: 600 });
      value(await h.broker.fetchTicker(SYMBOL));
      expect(h.sleeps).toEqual([5_000]);
    });

    it('gives up after the configured attempts with a retryable error', async () => {
      await ready();
      h.emu.faults.always('GET /spot/accounts', { kind: 'status', status: 429 });
      const e = error(await h.broker.fetchBalance(SYMBOL));
      expect(e).toMatchObject({ kind: 'retryable', code: BROKER_CODE.RATE_LIMITED });
      expect(hits(h, 'GET', '/spot/accounts')).toBe(3);
    });

    it('a read that times out or loses its connection is retried too', async () => {
      await ready({ broker: { timeoutMs: 1_000 } });
      h.emu.faults.next('GET /spot/tickers', { kind: 'delay', ms: 2_500 });
      h.emu.faults.next('GET /spot/order_book', { kind: 'reset' });
      expect(value(await h.broker.fetchTicker(SYMBOL)).last.gt('0')).toBe(true);
      expect(value(await h.broker.fetchOrderBook(SYMBOL, 5)).asks.length).toBe(5);
      expect(hits(h, 'GET', '/spot/tickers')).toBe(2);
      expect(hits(h, 'GET', '/spot/order_book')).toBe(2);
    });

    it('retries a cancel too (cancels are safe to repeat)', async () => {
      await ready();
      h.emu.faults.next('DELETE /spot/orders', { kind: 'status', status: 503 });
      expect(value(await h.broker.cancelAllOrders(SYMBOL))).toEqual([]);
      expect(hits(h, 'DELETE', '/spot/orders')).toBe(2);
    });
  });

  describe('order creation is sent once', () => {
    it('a 5xx after the exchange accepted the order → ambiguous, not re-sent, then found by client order id', async () => {
      await ready();
      h.emu.faults.next('POST /spot/orders', { kind: 'status', status: 502, afterProcessing: true });
      const e = error(await h.broker.createMarketBuyQuote(SYMBOL, dec('100'), 't-amb-502'));
      expect(e).toMatchObject({ kind: 'ambiguous', code: BROKER_CODE.UNAVAILABLE });
      expect(hits(h, 'POST', '/spot/orders')).toBe(1);
      const found = value(await h.broker.fetchOrder(SYMBOL, { clientOrderId: 't-amb-502' }));
      expect(found.status).toBe('closed');
      expect(found.filledQuote.gt('99')).toBe(true);
      expect(hits(h, 'POST', '/spot/orders')).toBe(1);
    });

    it('a 5xx before anything happened → ambiguous; the lookup says it does not exist', async () => {
      await ready();
      h.emu.faults.next('POST /spot/orders', { kind: 'status', status: 500, label: 'SERVER_ERROR' });
      const e = error(await h.broker.createMarketBuyQuote(SYMBOL, dec('100'), 't-amb-500'));
      expect(e.kind).toBe('ambiguous');
      expect(hits(h, 'POST', '/spot/orders')).toBe(1);
      expect(error(await h.broker.fetchOrder(SYMBOL, { clientOrderId: 't-amb-500' }))).toMatchObject({ kind: 'rejected', code: REJECT.NOT_FOUND });
      expect(str(value(await h.broker.fetchBalance(SYMBOL)).freeQuote)).toBe('1000');
    });

    it('a response slower than the client timeout → ambiguous TIMEOUT; the order did execute', async () => {
      await ready({ broker: { timeoutMs: 1_000 } });
      h.emu.faults.next('POST /spot/orders', { kind: 'delay', ms: 2_500 });
      const e = error(await h.broker.createMarketBuyQuote(SYMBOL, dec('100'), 't-amb-slow'));
      expect(e).toMatchObject({ kind: 'ambiguous', code: BROKER_CODE.TIMEOUT });
      expect(hits(h, 'POST', '/spot/orders')).toBe(1);
      const found = value(await h.broker.fetchOrder(SYMBOL, { clientOrderId: 't-amb-slow' }));
      expect(found.filledBase.gt('0')).toBe(true);
    });

    it('"accepted but the response lost" → ambiguous, then found by client order id', async () => {
      await ready();
      h.emu.faults.next('POST /spot/orders', { kind: 'lost-response' });
      const e = error(await h.broker.createMarketSellBase(SYMBOL, dec('0.001'), 't-amb-lost'));
      expect(e.kind).toBe('ambiguous');
      expect(hits(h, 'POST', '/spot/orders')).toBe(1);
      // the sell had nothing to sell: the exchange said no, and the lookup shows no order
      expect(error(await h.broker.fetchOrder(SYMBOL, { clientOrderId: 't-amb-lost' })).code).toBe(REJECT.NOT_FOUND);

      h.emu.exchange.setBalance('BTC', '0.01');
      h.emu.faults.next('POST /spot/orders', { kind: 'lost-response' });
      expect(error(await h.broker.createMarketSellBase(SYMBOL, dec('0.001'), 't-amb-lost2')).kind).toBe('ambiguous');
      const found = value(await h.broker.fetchOrder(SYMBOL, { clientOrderId: 't-amb-lost2' }));
      expect(str(found.filledBase)).toBe('0.001');
      expect(str(value(await h.broker.fetchBalance(SYMBOL)).freeBase)).toBe('0.009');
    });

    it('a 429 on create is retryable (nothing happened) but still not re-sent by the broker', async () => {
      await ready();
      h.emu.faults.next('POST /spot/orders', { kind: 'status', status: 429 });
      expect(error(await h.broker.createMarketBuyQuote(SYMBOL, dec('100'), 't-429'))).toMatchObject({ kind: 'retryable', code: BROKER_CODE.RATE_LIMITED });
      expect(hits(h, 'POST', '/spot/orders')).toBe(1);
      expect(h.sleeps).toEqual([]);
    });
  });

  describe('circuit breaker', () => {
    it('opens after N failures in a row, refuses without calling, and recovers through a half-open probe', async () => {
      const clock = new FakeClock();
      await ready({ broker: { clock, breaker: { failures: 3, cooldownMs: 30_000 }, retry: { attempts: 1, baseMs: 100, maxMs: 1_000 } } });
      h.emu.faults.always('GET /spot/accounts', { kind: 'status', status: 503 });
      for (let i = 0; i < 3; i++) expect(error(await h.broker.fetchBalance(SYMBOL)).code).toBe(BROKER_CODE.UNAVAILABLE);
      expect(h.broker.circuitState()).toBe('open');

      const refused = error(await h.broker.fetchBalance(SYMBOL));
      expect(refused).toMatchObject({ kind: 'retryable', code: BROKER_CODE.CIRCUIT_OPEN, retryAfterMs: 30_000 });
      expect(hits(h, 'GET', '/spot/accounts')).toBe(3);
      // An open circuit also stops order creation before it is sent.
      expect(error(await h.broker.createMarketBuyQuote(SYMBOL, dec('100'), 't-cb-1')).code).toBe(BROKER_CODE.CIRCUIT_OPEN);
      expect(hits(h, 'POST', '/spot/orders')).toBe(0);

      // Still failing when the probe goes: open again for a fresh cooldown.
      clock.advance(30_000);
      expect(h.broker.circuitState()).toBe('half-open');
      expect(error(await h.broker.fetchBalance(SYMBOL)).code).toBe(BROKER_CODE.UNAVAILABLE);
      expect(h.broker.circuitState()).toBe('open');
      expect(hits(h, 'GET', '/spot/accounts')).toBe(4);

      // The exchange is back: the next probe closes the circuit.
      h.emu.faults.clear();
      clock.advance(30_000);
      expect(str(value(await h.broker.fetchBalance(SYMBOL)).freeQuote)).toBe('1000');
      expect(h.broker.circuitState()).toBe('closed');
      value(await h.broker.fetchTicker(SYMBOL));
    });

    it('an answer without a quote is a value (BAD_RESPONSE), never a throw; as a probe it keeps the circuit open', async () => {
      const clock = new FakeClock();
      await ready({ broker: { clock, breaker: { failures: 2, cooldownMs: 30_000 }, retry: { attempts: 1, baseMs: 100, maxMs: 1_000 } } });
      h.emu.faults.always('GET /spot/tickers', { kind: 'status', status: 503 });
      for (let i = 0; i < 2; i++) error(await h.broker.fetchTicker(SYMBOL));
      expect(h.broker.circuitState()).toBe('open');
      clock.advance(30_000);
      // The probe gets a 200 with no quote in it (a halted pair, a broken proxy).
      h.emu.faults.clear();
      h.emu.faults.next('GET /spot/tickers', { kind: 'respond', status: 200, body: [] });
      expect(error(await h.broker.fetchTicker(SYMBOL))).toMatchObject({ kind: 'retryable', code: BROKER_CODE.BAD_RESPONSE });
      expect(h.broker.circuitState()).toBe('open');
      clock.advance(30_000);
      expect(value(await h.broker.fetchTicker(SYMBOL)).last.gt('0')).toBe(true);
      expect(h.broker.circuitState()).toBe('closed');
    });

    it('rejections do not count: the exchange answered', async () => {
      await ready({ broker: { breaker: { failures: 2, cooldownMs: 30_000 } } });
      for (let i = 0; i < 3; i++) expect(error(await h.broker.fetchOrder(SYMBOL, { id: '123' })).kind).toBe('rejected');
      expect(h.broker.circuitState()).toBe('closed');
    });
  });

  describe('credentials', () => {
    it('a bad key is fatal, and no secret appears in the error', async () => {
      h = await makeCcxtHarness({ broker: { apiKey: 'wrong-key-0001', apiSecret: 'super-secret-value' } });
      value(await h.broker.instrument(SYMBOL)); // public: works without a valid key
      const e = error(await h.broker.fetchBalance(SYMBOL));
      expect(e).toMatchObject({ kind: 'fatal', code: 'INVALID_KEY' });
      expect(e.message).not.toContain('super-secret-value');
      expect(e.message).not.toContain('wrong-key-0001');
      expect(hits(h, 'GET', '/spot/accounts')).toBe(1); // not retried
    });

    it('takes the settings Secret (masked when printed) and never shows it', async () => {
      const secret = new Secret('testsecret');
      h = await makeCcxtHarness({ broker: { apiKey: new Secret('testkey'), apiSecret: secret } });
      expect(str(value(await h.broker.fetchBalance(SYMBOL)).freeQuote)).toBe('0');
      expect(inspect(h.broker, { depth: 5 })).not.toContain('testsecret');
      expect(JSON.stringify(h.broker)).not.toContain('testsecret');
    });

    it('a plain-string secret does not show in a printout of the broker either', async () => {
      h = await makeCcxtHarness({ broker: { apiSecret: 'plain-secret-123' } });
      await h.broker.fetchBalance(SYMBOL);
      expect(inspect(h.broker, { depth: 5 })).not.toContain('plain-secret-123');
      expect(JSON.stringify(h.broker)).not.toContain('plain-secret-123');
    });

    it('a wrong secret fails the signature check: fatal', async () => {
      h = await makeCcxtHarness({ broker: { apiSecret: 'not-the-secret' } });
      expect(error(await h.broker.fetchBalance(SYMBOL))).toMatchObject({ kind: 'fatal', code: 'INVALID_SIGNATURE' });
    });
  });

  describe("Gate's fill reporting", () => {
    it('a partial fill: the filled amounts are the truth, the order is canceled (IOC remainder)', async () => {
      await ready();
      h.emu.faults.next('POST /spot/orders', { kind: 'partial-fill', ratio: '0.5' });
      const o = value(await h.broker.createMarketBuyQuote(SYMBOL, dec('100'), 't-partial'));
      expect(o.status).toBe('canceled');
      expect(o.filledQuote.gt('49') && o.filledQuote.lte('50')).toBe(true);
      expect(o.filledBase.gt('0')).toBe(true);
      const b = value(await h.broker.fetchBalance(SYMBOL));
      expect(str(b.freeQuote)).toBe(str(dec('1000').minus(o.filledQuote)));
      expect(str(b.freeBase)).toBe(str(o.filledBase.minus(o.fee)));
    });

    it('a filled IOC reported as "cancelled" is read as closed from its filled amounts', async () => {
      await ready();
      h.emu.faults.next('POST /spot/orders', { kind: 'report-cancelled' });
      const o = value(await h.broker.createMarketBuyQuote(SYMBOL, dec('100'), 't-gate-quirk'));
      expect(h.emu.requests.find((r) => r.path === '/spot/orders')?.faults).toEqual(['report-cancelled']);
      expect(o.status).toBe('closed');
      expect(o.fee.gt('0')).toBe(true);
      expect(o.feeCurrency).toBe('BTC');
    });
  });

  describe("dead man's switch", () => {
    it('arms countdown_cancel_all; when it fires the open orders are cancelled', async () => {
      await ready();
      await h.createRestingOrder(SYMBOL, 'buy', dec('0.001'), dec('25000'), 't-dms-1');
      const armed = value(await h.broker.countdownCancelAll(SYMBOL, 10));
      expect(armed.triggerTime).toBeGreaterThan(0);
      expect(value(await h.broker.fetchOpenOrders(SYMBOL))).toHaveLength(1);
      h.emu.exchange.fireCountdown();
      expect(value(await h.broker.fetchOpenOrders(SYMBOL))).toEqual([]);
      expect(value(await h.broker.fetchOrder(SYMBOL, { clientOrderId: 't-dms-1' })).status).toBe('canceled');
      expect(str(value(await h.broker.fetchBalance(SYMBOL)).usedQuote)).toBe('0');
    });

    it('a countdown below 5 s is refused with Gate’s label', async () => {
      await ready();
      expect(error(await h.broker.countdownCancelAll(SYMBOL, 3))).toMatchObject({ kind: 'rejected', code: 'INVALID_PARAM_VALUE' });
    });

    it("CcxtCountdownSwitch answers in the domain's Result shape: ok with no value, or err with the venue's code and message", async () => {
      await ready();
      const dms = new CcxtCountdownSwitch(h.broker);
      expect(await dms.arm(SYMBOL, 10_000)).toEqual({ ok: true, value: undefined });
      h.emu.faults.always('POST /spot/countdown_cancel_all', { kind: 'status', status: 500 });
      expect(await dms.arm(SYMBOL, 10_000)).toEqual({ ok: false, error: { code: expect.any(String), message: expect.any(String) } });
    });
  });
});
