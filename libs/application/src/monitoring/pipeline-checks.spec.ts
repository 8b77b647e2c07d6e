import { dec } from '@cab/domain';
import { FakeClock } from '@cab/domain/testing';
import type { Broker } from '../ports/broker';
import type { MarketData } from '../ports/market-data';
import type { OrchestratorStatus } from '../core/runtime-status';
import { brokerCheck, loopsCheck, marketDataCheck } from './pipeline-checks';

const clock = new FakeClock(1_700_000_000_000);
const loop = (over: Partial<OrchestratorStatus['loops']['eval']> = {}) => ({
  intervalMs: 1_000,
  runs: 1,
  errors: 0,
  lastRunAt: clock.now(),
  lastDurationMs: 5,
  lastError: null,
  running: false,
  ...over,
});
const status = (over: Partial<OrchestratorStatus> = {}): OrchestratorStatus => ({
  state: 'running',
  trading: 'active',
  haltReasons: [],
  symbols: ['BTC/USDT'],
  mode: 'paper',
  startedAt: clock.now() - 60_000,
  loops: { eval: loop(), exits: loop(), reconcile: loop(), watchdog: loop() },
  ...over,
});

describe('pipeline health checks', () => {
  it('loops: ok while every loop runs, down when one is late, degraded while trading is halted, ok when stopped', async () => {
    expect((await loopsCheck(() => status(), clock).check()).status).toBe('ok');
    const late = await loopsCheck(() => status({ loops: { ...status().loops, exits: loop({ lastRunAt: clock.now() - 10_000 }) } }), clock).check();
    expect(late).toMatchObject({ status: 'down' });
    expect(late.detail).toContain('exits');
    expect(await loopsCheck(() => status({ trading: 'halted', haltReasons: ['DMS.STALL: eval'] }), clock).check()).toMatchObject({
      status: 'degraded',
      detail: expect.stringContaining('DMS.STALL'),
    });
    // A risk pause (loss streak, daily loss) is the bot working as configured: /ready stays 200.
    expect(await loopsCheck(() => status({ trading: 'reducing', haltReasons: ['RISK.LOSS_STREAK: 3 losses'] }), clock).check()).toEqual({
      status: 'ok',
      detail: 'entries paused: RISK.LOSS_STREAK: 3 losses',
    });
    expect(await loopsCheck(() => status({ state: 'stopped' }), clock).check()).toEqual({ status: 'ok', detail: 'stopped' });
  });

  it('market data: ok when the last candle is fresh, degraded when stale, down when unavailable', async () => {
    let lastTs = clock.now() - 120_000;
    let fail = false;
    const md: MarketData = {
      name: 'test',
      timeframeMs: () => 60_000,
      candles: async () =>
        fail
          ? { ok: false, error: { code: 'MARKET_DATA.UNAVAILABLE', message: 'feed down' } }
          : { ok: true, value: [{ ts: lastTs, open: 1, high: 1, low: 1, close: 1, volume: 1 }] },
      ticker: async () => ({ ok: false, error: { code: 'MARKET_DATA.UNAVAILABLE', message: 'n/a' } }),
    };
    const check = marketDataCheck(md, ['BTC/USDT'], clock);
    expect((await check.check()).status).toBe('ok');
    lastTs = clock.now() - 10 * 60_000;
    expect((await check.check()).status).toBe('degraded');
    fail = true;
    expect(await check.check()).toMatchObject({ status: 'down', detail: expect.stringContaining('feed down') });
  });

  it('broker: ok when the ticker answers, degraded on a retryable error, down otherwise', async () => {
    let error: { kind: 'retryable' | 'fatal'; code: string; message: string } | null = null;
    const broker = {
      name: 'test',
      fetchTicker: async (symbol: string) =>
        error ? { ok: false, error } : { ok: true, value: { symbol, bid: dec('1'), ask: dec('1'), last: dec('1'), ts: 0 } },
      fetchBalance: async () => ({ ok: true, value: {} }),
    } as unknown as Broker;
    const check = brokerCheck(broker, 'BTC/USDT');
    expect((await check.check()).status).toBe('ok');
    error = { kind: 'retryable', code: 'RATE_LIMITED', message: '429' };
    expect((await check.check()).status).toBe('degraded');
    error = { kind: 'fatal', code: 'AUTH', message: 'bad key' };
    expect((await check.check()).status).toBe('down');
  });

  it('broker: a refused signed read (the balance) is down with the reason, while the public ticker answers', async () => {
    let balanceError: { kind: 'fatal'; code: string; message: string; refusal?: 'auth' | 'clock' } | null = null;
    const broker = {
      name: 'test',
      fetchTicker: async (symbol: string) => ({ ok: true, value: { symbol, bid: dec('1'), ask: dec('1'), last: dec('1'), ts: 0 } }),
      fetchBalance: async () => (balanceError ? { ok: false, error: balanceError } : { ok: true, value: {} }),
    } as unknown as Broker;
    const check = brokerCheck(broker, 'BTC/USDT');
    expect((await check.check()).status).toBe('ok');
    balanceError = { kind: 'fatal', code: 'INVALID_SIGNATURE', message: 'Signature mismatch', refusal: 'auth' };
    expect(await check.check()).toEqual({ status: 'down', detail: 'test: API key or secret refused: fatal INVALID_SIGNATURE: Signature mismatch' });
    balanceError = { kind: 'fatal', code: 'REQUEST_EXPIRED', message: 'far from the server time', refusal: 'clock' };
    expect(await check.check()).toMatchObject({ status: 'down', detail: expect.stringContaining('request time refused (clock)') });
  });
});
