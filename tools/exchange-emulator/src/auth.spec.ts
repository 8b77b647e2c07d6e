import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { gateSignature } from './auth';
import { startEmulator, type Emulator } from './server';

// Raw HTTP, no ccxt: the signature rules themselves (tools/exchange-emulator/README.md, "Signatures").
let emu: Emulator;
let clock = 1_800_000_000_000;

beforeAll(async () => {
  emu = await startEmulator({ now: () => clock, prices: { BTC_USDT: '50000' }, balances: { USDT: '0' } });
});
afterAll(async () => {
  await emu.close();
});

async function signed(method: string, path: string, query = '', body = '', o: { key?: string; secret?: string; ts?: number; sign?: string } = {}) {
  const ts = String(o.ts ?? Math.floor(clock / 1000));
  const sign = o.sign ?? gateSignature(o.secret ?? 'testsecret', method, `/api/v4${path}`, query, body, ts);
  const res = await fetch(`${emu.url}${path}${query ? `?${query}` : ''}`, {
    method,
    headers: { KEY: o.key ?? 'testkey', Timestamp: ts, SIGN: sign, 'Content-Type': 'application/json' },
    ...(body ? { body } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('signature and timestamp', () => {
  it('accepts a correctly signed request', async () => {
    const r = await signed('GET', '/spot/accounts');
    expect(r.status).toBe(200);
  });

  it('signs the query un-encoded and the SHA-512 of the exact body', async () => {
    const body = JSON.stringify({
      currency_pair: 'BTC_USDT',
      type: 'market',
      account: 'spot',
      side: 'buy',
      amount: '10',
      time_in_force: 'ioc',
      text: 't-raw-1',
    });
    expect((await signed('GET', '/spot/orders', 'account=spot&currency_pair=BTC_USDT&status=finished')).status).toBe(200);
    // insufficient balance: the signature passed and the exchange answered
    expect(await signed('POST', '/spot/orders', '', body)).toEqual({ status: 400, body: { label: 'BALANCE_NOT_ENOUGH', message: 'Not enough balance' } });
  });

  it.each([
    ['a wrong key', { key: 'other' }, 'INVALID_KEY'],
    ['a wrong secret', { secret: 'other' }, 'INVALID_SIGNATURE'],
    ['a timestamp 61 s old', { ts: Math.floor(1_800_000_000_000 / 1000) - 61 }, 'REQUEST_EXPIRED'],
    ['a timestamp 61 s ahead', { ts: Math.floor(1_800_000_000_000 / 1000) + 61 }, 'REQUEST_EXPIRED'],
    ['an empty SIGN', { sign: '' }, 'MISSING_REQUIRED_HEADER'],
  ])('refuses %s with 401 %s', async (_what, o, label) => {
    const r = await signed('GET', '/spot/accounts', '', '', o);
    expect(r.status).toBe(401);
    expect(r.body['label']).toBe(label);
  });

  it('refuses a body changed after signing', async () => {
    const ts = String(Math.floor(clock / 1000));
    const sign = gateSignature('testsecret', 'POST', '/api/v4/spot/countdown_cancel_all', '', '{"timeout":10}', ts);
    const res = await fetch(`${emu.url}/spot/countdown_cancel_all`, {
      method: 'POST',
      headers: { KEY: 'testkey', Timestamp: ts, SIGN: sign },
      body: '{"timeout":60}',
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { label: string }).label).toBe('INVALID_SIGNATURE');
  });

  it('serves public endpoints without a signature', async () => {
    const res = await fetch(`${emu.url}/spot/time`);
    expect(await res.json()).toEqual({ server_time: String(clock) });
  });

  it('follows the injected clock for the timestamp window', async () => {
    clock += 3_600_000;
    expect((await signed('GET', '/spot/accounts')).status).toBe(200);
  });
});
