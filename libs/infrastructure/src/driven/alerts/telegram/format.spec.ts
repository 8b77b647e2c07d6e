import type { Topics } from '@cab/application';
import { formatAlert, MAX_MESSAGE_CHARS, truncate } from './format';

const meta = { eventId: 'e', ts: 0, correlationId: 'c' };

describe('formatAlert', () => {
  it.each([
    [
      'trade.completed',
      {
        symbol: 'ETH/USDT',
        side: 'sell',
        reason: 'trailing',
        clientOrderId: 'cab-9',
        orderId: '1',
        filledBase: '0.5',
        filledQuote: '1510.25',
        averagePrice: '3020.5',
        fee: '3.0205',
        feeCurrency: 'USDT',
        realizedPnl: '-12.5',
      },
      '✅ SELL ETH/USDT filled: 0.5 ETH @ 3020.5 = 1510.25 USDT, fee 3.0205 USDT, PnL -12.5 USDT [trailing] (cab-9)',
    ],
    [
      'reconcile.mismatch',
      { symbol: 'BTC/USDT', scope: 'balance', subject: 'BTC', expected: '0.5', actual: '0.4', detail: 'manual withdrawal?' },
      '⚠️ Reconcile BTC/USDT balance BTC: ours 0.5, exchange 0.4 (manual withdrawal?)',
    ],
    ['safety.resumed', { reason: 'operator' }, '▶️ Trading resumed: operator'],
    ['safety.dms_tripped', { symbol: 'BTC/USDT', detail: 'countdown expired' }, "🚨 Dead man's switch tripped (BTC/USDT): countdown expired"],
    ['safety.dms_tripped', { symbol: null, detail: 'refresh failed 3 times' }, "🚨 Dead man's switch tripped: refresh failed 3 times"],
    [
      'watchdog.stall',
      { loop: 'eval', lastRunAt: null, stalledForMs: 120_400, thresholdMs: 60_000 },
      '⏱ Loop "eval" stalled: no run for 120 s (limit 60 s), last never',
    ],
    ['safety.lock_refused', { scope: 'db', holder: null, detail: 'lock file unreadable' }, '🔒 Start refused: db lock held. lock file unreadable'],
  ] as const)('%s', (topic, payload, text) => {
    expect(formatAlert(topic, { ...meta, ...payload } as unknown as Topics[typeof topic])).toBe(text);
  });

  it('stays within Telegram’s 4096 characters', () => {
    const text = formatAlert('safety.halted', { ...meta, code: 'X', reason: 'r'.repeat(10_000) }, 'live');
    expect(text).toHaveLength(MAX_MESSAGE_CHARS);
    expect(text.startsWith('[live] 🛑')).toBe(true);
    expect(text.endsWith('…')).toBe(true);
  });
});

describe('truncate', () => {
  it('keeps short text, cuts long text with an ellipsis, never through an emoji', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcd', 3)).toBe('ab…');
    expect(truncate('a🛑bc', 4)).toBe('a🛑…');
    expect(truncate('a🛑bc', 3)).toBe('a…'); // 🛑 is two UTF-16 units: cut before it, not inside
  });
});
