import { describe, expect, it } from '@jest/globals';
import { dec } from '@cab/domain';
import type { FillDTO } from '@cab/application';
import { readTradePages, tradeWindows, TRADES_WINDOW_MS, type TradePageRequest } from './trade-pages';

// The paging rules in isolation; ccxt-broker.spec.ts (exchange-emulator) runs them through the
// real ccxt client against the emulator's GET /spot/my_trades.
const fill = (id: number, ts = id): FillDTO => ({
  id: String(id),
  orderId: 'o',
  ts,
  side: 'buy',
  price: dec('1'),
  amount: dec('1'),
  cost: dec('1'),
  fee: dec('0'),
  feeCurrency: 'BTC',
});

describe('tradeWindows', () => {
  const now = 1e12;
  const end = now;

  it('one closed window when the look-back fits in the range (7 days without one); none when since is still to come', () => {
    expect(tradeWindows(undefined, now)).toEqual([{ fromMs: now - 7 * 86_400_000, toMs: end }]);
    expect(tradeWindows(end - TRADES_WINDOW_MS, now)).toEqual([{ fromMs: end - TRADES_WINDOW_MS, toMs: end }]);
    expect(tradeWindows(now, now)).toEqual([{ fromMs: now, toMs: now }]);
    expect(tradeWindows(now + 5_000, now)).toEqual([]);
  });

  it('longer look-backs: windows no longer than the range, overlapping by a second, the last one ending now', () => {
    const since = now - 3 * TRADES_WINDOW_MS;
    const w = tradeWindows(since, now);
    expect(w.length).toBe(4);
    expect(w[0]!.fromMs).toBe(since);
    for (const x of w) expect(x.toMs - x.fromMs).toBeLessThanOrEqual(TRADES_WINDOW_MS);
    for (let i = 0; i < w.length - 1; i++) expect(w[i + 1]!.fromMs).toBe(w[i]!.toMs - 1_000);
    expect(w.at(-1)!.toMs).toBe(end);
  });
});

describe('readTradePages', () => {
  it('reads pages until a short one, each fill once, oldest first', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => fill(25 - i)); // newest first, as Gate lists
    const asked: TradePageRequest[] = [];
    const r = await readTradePages({
      sinceMs: 0,
      nowMs: 100,
      pageSize: 10,
      // A trade arriving between pages pushes a row already read onto the next page.
      fetchPage: async (req) => (asked.push(req), { ok: true, value: rows.slice((req.page - 1) * 10 - (req.page > 1 ? 1 : 0), req.page * 10) }),
    });
    expect(r.ok && r.value.map((f) => f.id)).toEqual(Array.from({ length: 25 }, (_, i) => String(i + 1)));
    expect(asked.map((a) => a.page)).toEqual([1, 2, 3]);
  });

  it('a venue that ignores the page number ends in an error, not a loop', async () => {
    const page = Array.from({ length: 10 }, (_, i) => fill(i));
    const r = await readTradePages({ sinceMs: 0, nowMs: 100, pageSize: 10, maxRequests: 5, fetchPage: async () => ({ ok: true, value: page }) });
    expect(r).toMatchObject({ ok: false, error: { kind: 'retryable', code: 'TRADES_TOO_MANY' } });
  });

  it('a failed page fails the read: a partial list would look like orders that never filled', async () => {
    const r = await readTradePages({
      sinceMs: 0,
      nowMs: 100,
      pageSize: 2,
      fetchPage: async (req) =>
        req.page === 1 ? { ok: true, value: [fill(2), fill(1)] } : { ok: false, error: { kind: 'retryable', code: 'RATE_LIMITED', message: '429' } },
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
  });
});
