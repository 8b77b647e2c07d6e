// One failed market load must not disable a ccxt client for good: ccxt keeps its first
// loadMarkets promise, rejected or not, so every later call used to answer the first error until
// a restart. Each call site that owns a ccxt client, against a 502 on GET /spot/currency_pairs.
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { dec, str } from '@cab/domain';
import { ExchangeMarketData } from '@cab/infrastructure';
import { value } from '@cab/application/testing';
import { makeCcxtHarness, type CcxtHarness } from './testing/ccxt-harness';
import { startEmulator, type Emulator } from './server';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBot } from '@cab/infrastructure/testing';
import { makeLivePipelineWorld } from './pipeline/live-world';

// The first request loads ccxt (and jest transforms its ESM dependencies): slow on a cold, busy machine.
jest.setTimeout(60_000);

const SYMBOL = 'BTC/USDT';
const MARKETS = 'GET /spot/currency_pairs';
const loads = (emu: Emulator): number => emu.requests.filter((r) => r.method === 'GET' && r.path === '/spot/currency_pairs').length;

describe('a failed market load is retried on the next call', () => {
  let h: CcxtHarness | null = null;
  let emu: Emulator | null = null;
  afterEach(async () => {
    await h?.close();
    await emu?.close();
    h = null;
    emu = null;
  });

  it('GateVenue: instrument-backed calls (balance) fail while the venue is down, then work', async () => {
    h = await makeCcxtHarness({ broker: { retry: { attempts: 2, baseMs: 100, maxMs: 1_000 } } });
    h.emu.exchange.setBalance('USDT', '1000');
    h.emu.faults.next(MARKETS, { kind: 'status', status: 502 }, 2); // both attempts of the first call
    const down = await h.broker.fetchBalance(SYMBOL);
    expect(down).toMatchObject({ ok: false, error: { kind: 'retryable' } });
    const b = value(await h.broker.fetchBalance(SYMBOL));
    expect(str(b.freeQuote)).toBe('1000');
    expect(loads(h.emu)).toBe(3);
  });

  it('GateVenue: calls ccxt makes on its own (ticker, order) work once the venue is back', async () => {
    h = await makeCcxtHarness({ broker: { retry: { attempts: 1, baseMs: 100, maxMs: 1_000 } } });
    h.emu.exchange.setBalance('USDT', '1000');
    h.emu.faults.next(MARKETS, { kind: 'status', status: 502 });
    expect(await h.broker.fetchTicker(SYMBOL)).toMatchObject({ ok: false });
    expect(value(await h.broker.fetchTicker(SYMBOL)).symbol).toBe(SYMBOL);
    const o = value(await h.broker.createMarketBuyQuote(SYMBOL, dec('10'), 't-after-502'));
    expect(o.status).toBe('closed');
  });

  it('ExchangeMarketData: candles and ticker come back after a failed load', async () => {
    emu = await startEmulator({ prices: { BTC_USDT: '50000' }, candleStepMs: 0 });
    const md = new ExchangeMarketData({ clock: { now: () => Date.now() }, apiUrl: emu.url, timeoutMs: 2_000 });
    emu.faults.next(MARKETS, { kind: 'status', status: 502 });
    expect(await md.candles(SYMBOL, 5)).toMatchObject({ ok: false, error: { code: 'MARKET_DATA.UNAVAILABLE' } });
    const c = await md.candles(SYMBOL, 5);
    if (!c.ok) throw new Error(c.error.message);
    expect(c.value.length).toBeGreaterThan(0);
    const t = await md.ticker(SYMBOL);
    expect(t.ok).toBe(true);
    expect(loads(emu)).toBe(2);
  });

  it('the live bot: its first market loads fail at start, it trades once the venue answers, no restart', async () => {
    const dir = fs.mkdtempSync(join(tmpdir(), 'cab-markets-'));
    const world = await makeLivePipelineWorld();
    // Every attempt of the first call (3; fewer than the 5 failures that open the circuit).
    world.emu.faults.next(MARKETS, { kind: 'status', status: 502 }, 3);
    const bot = await startBot(world, dir, { MARKET_DATA: 'exchange' });
    try {
      await bot.app.orchestrator.start();
      expect(world.emu.requests.filter((r) => r.path === '/spot/currency_pairs' && r.status === 502)).toHaveLength(3);
      await bot.step('reconcile');
      expect(bot.app.orchestrator.status().haltReasons).toEqual([]);
      expect((await bot.app.health.health()).components.find((c) => c.name === 'broker')?.status).toBe('ok');
      bot.strategy.next = 'buy';
      await bot.step('eval');
      await bot.app.bus.drain();
      expect((await bot.orders()).map((o) => o.status)).toEqual(['filled']);
    } finally {
      await bot.app.close();
      await world.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
