// MARKET_DATA=exchange: the real ccxt client (no keys) against the emulator's public endpoints.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';

// The first request loads ccxt (and jest transforms its ESM dependencies): slow on a cold, busy machine.
jest.setTimeout(60_000);
import { str } from '@cab/domain';
import { ExchangeMarketData } from '@cab/infrastructure';
import { SAMPLE_CANDLES } from './index';
import { startEmulator, type Emulator } from './server';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ dataFile: SAMPLE_CANDLES, prices: { ETH_USDT: '1250' } });
});
afterAll(() => emu.close());

const md = () => new ExchangeMarketData({ clock: { now: () => Date.now() }, apiUrl: emu.url, timeoutMs: 2_000 });

describe('ExchangeMarketData against the emulator', () => {
  it('tickers keep the exchange strings exactly (bid < last-ish < ask)', async () => {
    const r = await md().ticker('BTC/USDT');
    if (!r.ok) throw new Error(r.error.message);
    expect(str(r.value.bid)).toMatch(/^\d+(\.\d+)?$/);
    expect(r.value.bid.lt(r.value.ask)).toBe(true);
    expect(r.value.symbol).toBe('BTC/USDT');
  });

  it('returns closed 1-minute candles only, oldest first, at most `limit`', async () => {
    const m = md();
    const r = await m.candles('BTC/USDT', 30);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.length).toBeGreaterThan(0);
    expect(r.value.length).toBeLessThanOrEqual(30);
    const now = Date.now();
    for (const c of r.value) expect(c.ts + m.timeframeMs()).toBeLessThanOrEqual(now);
    const ts = r.value.map((c) => c.ts);
    expect([...ts].sort((a, b) => a - b)).toEqual(ts);
  });

  it('an unknown symbol and an unreachable exchange are values, not exceptions', async () => {
    const unknown = await md().ticker('NOPE/USDT');
    expect(unknown).toMatchObject({ ok: false });
    const down = new ExchangeMarketData({ clock: { now: () => Date.now() }, apiUrl: 'http://127.0.0.1:9/api/v4', timeoutMs: 1_000 });
    const r = await down.candles('BTC/USDT', 5);
    expect(r).toMatchObject({ ok: false, error: { code: 'MARKET_DATA.UNAVAILABLE' } });
  });
});
