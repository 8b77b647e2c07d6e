import fc from 'fast-check';
import { MS, dailyPnl, dec, flatPosition, str, type Fill, type PnlEntry } from '@cab/domain';
import type { OrderRecord } from '../ports/orders-repository';
import { anOrderRecord } from '../testing';
import { RiskLedger } from './risk-ledger';

const DAY0 = Date.UTC(2026, 0, 1);

function feed(ledger: RiskLedger, e: PnlEntry): void {
  const fill: Fill = { side: 'buy', amount: dec('1'), price: dec('100'), fee: e.feeQuote, feeCurrency: 'quote', ts: e.ts };
  ledger.filled('BTC/USDT', fill, { position: flatPosition('BTC/USDT'), realizedQuote: e.realizedQuote, feeQuote: e.feeQuote, closed: null });
}

describe('RiskLedger daily PnL', () => {
  it("adds the day's fills and starts again at 00:00 UTC", () => {
    const ledger = new RiskLedger();
    feed(ledger, { ts: DAY0 + MS.hour, realizedQuote: dec('5'), feeQuote: dec('0.1') });
    feed(ledger, { ts: DAY0 + 2 * MS.hour, realizedQuote: dec('-8'), feeQuote: dec('0.2') });
    expect(str(ledger.snapshot(DAY0 + 3 * MS.hour).daily.netQuote)).toBe('-3.3');
    feed(ledger, { ts: DAY0 + MS.day + MS.hour, realizedQuote: dec('1'), feeQuote: dec('0') });
    const next = ledger.snapshot(DAY0 + MS.day + 2 * MS.hour).daily;
    expect(next.dayStart).toBe(DAY0 + MS.day);
    expect(str(next.netQuote)).toBe('1');
  });

  it('a replay after a restart counts fees as the fills did: in quote, in base at the fill price, and a fee in GT points as zero', () => {
    const bought = (fee: string, feeCurrency: string): OrderRecord =>
      anOrderRecord({
        clientOrderId: `b-${feeCurrency}`,
        exchange: 'gate',
        exchangeOrderId: '1',
        requestedQuote: dec('500'),
        status: 'filled',
        filledBase: dec('0.01'),
        filledQuote: dec('500'),
        averagePrice: dec('50000'),
        fee: dec(fee),
        feeCurrency,
        idempotencyKey: null,
        createdAt: DAY0 + MS.hour,
        updatedAt: DAY0 + MS.hour,
      });
    const fees = (order: OrderRecord) => {
      const ledger = new RiskLedger();
      ledger.replay([order]);
      return str(ledger.snapshot(DAY0 + 2 * MS.hour).daily.feesQuote);
    };
    expect(fees(bought('1', 'USDT'))).toBe('1');
    expect(fees(bought('0.00002', 'BTC'))).toBe('1');
    expect(fees(bought('3', 'GT'))).toBe('0');
  });

  // The running totals must give exactly what the domain's definition gives over every fill.
  it('equals dailyPnl over all fills at every snapshot, across days and late fills (property)', () => {
    const step = fc.record({
      advance: fc.integer({ min: 0, max: 8 * 3_600_000 }),
      lateBy: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 30 * 3_600_000 })),
      realized: fc.integer({ min: -5000, max: 5000 }),
      fee: fc.integer({ min: 0, max: 300 }),
      snapshot: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const ledger = new RiskLedger();
        const all: PnlEntry[] = [];
        let now = DAY0;
        for (const s of steps) {
          now += s.advance;
          const e = { ts: now - s.lateBy, realizedQuote: dec(`${s.realized}e-2`), feeQuote: dec(`${s.fee}e-3`) };
          all.push(e);
          feed(ledger, e);
          if (s.snapshot) {
            const got = ledger.snapshot(now).daily;
            const want = dailyPnl(all, now);
            expect({ d: got.dayStart, r: str(got.realizedQuote), f: str(got.feesQuote), n: str(got.netQuote) }).toEqual({
              d: want.dayStart,
              r: str(want.realizedQuote),
              f: str(want.feesQuote),
              n: str(want.netQuote),
            });
          }
        }
      }),
    );
  });
});
