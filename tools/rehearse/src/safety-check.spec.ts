import { safetyProblems, type SafetyView } from './safety-check';

const NOW = 1_765_000_000_000;
const want = { symbol: 'BTC/USDT', pid: 4242, now: NOW, recentMs: 30_000 };
const armed = (over: Partial<NonNullable<NonNullable<SafetyView['deadMansSwitch']>['symbols']>[number]> = {}): SafetyView => ({
  reconcile: { lastPass: [{ symbol: 'BTC/USDT', at: NOW - 1_000 }] },
  deadMansSwitch: {
    timeoutMs: 120_000,
    symbols: [{ symbol: 'BTC/USDT', armed: true, lastRefreshAt: NOW - 900, deadline: NOW + 119_100, lastError: null, ...over }],
  },
  lock: { holder: 'pid 4242 on rehearsal-host', since: NOW - 10_000 },
});

describe('rehearsal safety check: GET /api/safety during a live cycle', () => {
  it('passes an armed switch with a future deadline and a recent refresh, the lock held by the bot, a reconcile pass', () => {
    expect(safetyProblems(armed(), want)).toEqual([]);
  });

  it('fails a switch that is not armed, or whose deadline has passed, or whose refresh is stale', () => {
    expect(safetyProblems(armed({ armed: false, lastError: 'EXCHANGE_UNAVAILABLE' }), want)).toEqual([
      "dead man's switch on BTC/USDT not armed (last error: EXCHANGE_UNAVAILABLE)",
    ]);
    expect(safetyProblems(armed({ deadline: NOW }), want)).toEqual([expect.stringMatching(/deadline .* is not in the future/)]);
    expect(safetyProblems(armed({ lastRefreshAt: NOW - 30_001 }), want)).toEqual([expect.stringMatching(/last refresh .* is not within 30000 ms/)]);
    expect(safetyProblems(armed({ lastRefreshAt: null, deadline: null }), want)).toHaveLength(2);
    expect(safetyProblems({ ...armed(), deadMansSwitch: { timeoutMs: 120_000, symbols: [] } }, want)).toEqual(["dead man's switch: no entry for BTC/USDT"]);
  });

  it('fails a lock that is not held, or held by another process', () => {
    expect(safetyProblems({ ...armed(), lock: null }, want)).toEqual(['instance lock: not held (lock is null)']);
    expect(safetyProblems({ ...armed(), lock: { holder: 'pid 42420 on rehearsal-host', since: NOW } }, want)).toEqual([
      'instance lock: held by "pid 42420 on rehearsal-host", not by the bot\'s pid 4242',
    ]);
  });

  it('fails when no reconcile pass is recorded for the pair', () => {
    expect(safetyProblems({ ...armed(), reconcile: { lastPass: [] } }, want)).toEqual(['reconcile: no pass recorded for BTC/USDT']);
    expect(safetyProblems({ ...armed(), reconcile: { lastPass: [{ symbol: 'ETH/USDT', at: NOW }] } }, want)).toEqual([
      'reconcile: no pass recorded for BTC/USDT',
    ]);
  });
});
