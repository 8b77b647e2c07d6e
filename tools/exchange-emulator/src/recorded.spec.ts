import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PAIRS, type PairSpec } from './engine/markets';
import { SAMPLE_CANDLES } from './index';
import { startEmulator, type Emulator } from './server';
import { gateClient, type Gate } from './testing/ccxt-client';

// ccxt's own recorded Gate payloads (test-data/README.md): the emulator must accept the requests
// ccxt sends, answer in the recorded shapes, and ccxt must parse those answers as recorded.
type Case = { description: string; method: string; url: string; input: unknown[]; output?: string; httpResponse?: unknown; parsedResponse?: unknown };
const load = (f: string) => JSON.parse(readFileSync(join(__dirname, '..', 'test-data', f), 'utf8')) as { methods: Record<string, Case[]> };
const requests = load('request_gate.json').methods;
const responses = load('response_gate.json').methods;

const LTC: PairSpec = { id: 'LTC_USDT', base: 'LTC', quote: 'USDT', fee: '0.2', minBaseAmount: '0.001', minQuoteAmount: '3', amountPrecision: 4, precision: 2 };

/** Calls a ccxt method with a recorded input (the recorder wrote undefined arguments as null). */
const call = (ex: Gate, method: string, input: unknown[]): Promise<unknown> =>
  (ex as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method]!(...input.map((x) => (x === null ? undefined : x)));

/** ccxt's recorder writes undefined as null. */
const asRecorded = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (x === undefined ? null : x)));

let emu: Emulator;
let ex: Gate;

beforeAll(async () => {
  emu = await startEmulator({
    pairs: [...DEFAULT_PAIRS, LTC],
    prices: { BTC_USDT: '50000', LTC_USDT: '68' },
    balances: { USDT: '10000', BTC: '1', LTC: '10' },
  });
  ex = gateClient(emu);
  await ex.loadMarkets();
});
afterAll(async () => {
  await emu.close();
});

describe('recorded requests: ccxt sends them to the emulator as recorded, and the emulator accepts them', () => {
  const spot: [string, number][] = [
    ['createOrder', 0], // limit buy LTC
    ['createOrder', 2], // market buy, amount = quote
    ['createOrder', 3], // market buy with params.cost
    ['createOrder', 4], // market sell
    ['createMarketBuyOrderWithCost', 0],
    ['fetchBalance', 0],
    ['fetchOpenOrders', 0],
    ['fetchMyTrades', 0],
    ['fetchOrderBook', 0],
    ['fetchTicker', 0],
    ['fetchOHLCV', 0],
    ['fetchTime', 0],
    ['fetchClosedOrders', 0],
    ['fetchClosedOrders', 9],
    ['cancelAllOrders', 1],
    ['fetchOrder', 0],
    ['cancelOrder', 0],
  ];
  it.each(spot)('%s #%i', async (method, i) => {
    const c = requests[method]![i]!;
    const before = emu.requests.length;
    let failure: unknown = null;
    await call(ex, method, c.input).catch((e: unknown) => (failure = e));
    const sent = emu.requests.slice(before).filter((r) => !r.path.includes('currency_pairs'));
    expect(sent).toHaveLength(1);
    const r = sent[0]!;
    const recorded = new URL(c.url);
    expect(`${r.method} /api/v4${r.path}${r.query ? `?${r.query}` : ''}`).toBe(`${r.method} ${recorded.pathname}${recorded.search}`);
    if (c.output !== undefined) expect(r.body).toBe(c.output);
    if (method === 'fetchOrder' || method === 'cancelOrder') {
      // the recorded id does not exist here: Gate's own answer for that
      expect(r.status).toBe(404);
      expect(String((failure as Error).constructor.name)).toBe('OrderNotFound');
    } else {
      expect(failure).toBeNull();
      expect(r.status).toBe(method.startsWith('create') ? 201 : 200);
    }
  });
});

/** Every key of the recorded payload is in ours, with the same JSON type (arrays: first element). */
function sameShape(recorded: unknown, ours: unknown, path = '$'): string[] {
  const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (kind(recorded) !== kind(ours)) return [`${path}: recorded ${kind(recorded)}, emulator ${kind(ours)}`];
  if (Array.isArray(recorded) && Array.isArray(ours)) {
    if (recorded.length === 0) return [];
    if (ours.length === 0) return [`${path}: emulator returned an empty array`];
    return sameShape(recorded[0], ours[0], `${path}[0]`);
  }
  if (kind(recorded) === 'object') {
    const r = recorded as Record<string, unknown>;
    const o = ours as Record<string, unknown>;
    return Object.keys(r).flatMap((k) => (k in o ? sameShape(r[k], o[k], `${path}.${k}`) : [`${path}.${k}: missing`]));
  }
  return [];
}

describe('recorded responses', () => {
  // The emulator's own answers to the recorded calls, made after some trading so lists are not empty.
  const cases: [string, number][] = [
    ['fetchTicker', 0],
    ['fetchOHLCV', 0],
    ['fetchTime', 0],
    ['fetchOpenOrders', 0],
    ['fetchMyTrades', 0],
    ['fetchClosedOrders', 0],
  ];
  const input = (method: string, c: Case): unknown[] => (method === 'fetchOpenOrders' ? ['BTC/USDT'] : c.input);

  // BTC from the candle file here, so the ticker has a real 24 h change, high and low.
  let live: Emulator;
  let lx: Gate;
  beforeAll(async () => {
    live = await startEmulator({ pairs: [...DEFAULT_PAIRS, LTC], dataFile: SAMPLE_CANDLES, prices: { LTC_USDT: '68' }, balances: { USDT: '10000', BTC: '1' } });
    lx = gateClient(live);
    lx.enableLastJsonResponse = true;
    await lx.loadMarkets();
    await lx.createOrder('LTC/USDT', 'market', 'buy', 5, undefined, { createMarketBuyOrderRequiresPrice: false });
    await lx.createOrder('BTC/USDT', 'limit', 'sell', 0.00009, 69662.3);
  });
  afterAll(async () => {
    await live.close();
  });

  it.each(cases)('%s #%i: the emulator answers in the recorded shape', async (method, i) => {
    const c = responses[method]![i]!;
    await call(lx, method, input(method, c));
    const ours = lx.last_json_response;
    expect(sameShape(c.httpResponse, ours)).toEqual([]);
  });

  it.each(cases)('%s #%i: ccxt parses our answer into the recorded structure (same fields set)', async (method, i) => {
    const c = responses[method]![i]!;
    const parsed = asRecorded(await call(lx, method, input(method, c)));
    // Values differ (our market, our time); which fields ccxt could fill must not.
    const filled = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.length
          ? filled(v[0])
          : []
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v)
                .filter(([k]) => k !== 'info')
                .map(([k, x]) => [k, x === null ? null : typeof x === 'object' ? filled(x) : typeof x]),
            )
          : v === null
            ? null
            : typeof v;
    const want = filled(c.parsedResponse) as Record<string, unknown>;
    const got = filled(parsed) as Record<string, unknown>;
    if (method === 'fetchOpenOrders' || method === 'fetchClosedOrders') {
      // `fees` lists the currencies of gt_fee/fee/rebated_fee; compare the order fields only
      delete want['fees'];
      delete got['fees'];
    }
    expect(got).toEqual(want);
  });

  it.each(cases)('%s #%i: the recorded payload, served by the emulator, parses to the recorded result', async (method, i) => {
    const c = responses[method]![i]!;
    const path = new URL(requests[method]?.[0]?.url ?? 'https://x/api/v4/').pathname.replace('/api/v4', '');
    const verb = 'GET';
    emu.faults.next(`${verb} ${method === 'fetchOpenOrders' ? '/spot/open_orders' : method === 'fetchClosedOrders' ? '/spot/orders' : path}`, {
      kind: 'respond',
      body: c.httpResponse,
    });
    const parsed = asRecorded(await call(ex, method, c.input));
    expect(parsed).toEqual(c.parsedResponse);
  });
});
