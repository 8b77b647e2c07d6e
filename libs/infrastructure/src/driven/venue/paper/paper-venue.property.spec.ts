import fc from 'fast-check';
import { dec, str, ZERO, type Decimal } from '@cab/domain';
import { makePaperHarness } from './testing/paper-harness';
import { value } from '@cab/application/testing';

const SYMBOL = 'BTC/USDT';

/** A decimal with `dp` places between lo and hi (integers scaled), as text: no float ever involved. */
const decimalText = (lo: number, hi: number, dp: number) =>
  fc.integer({ min: lo * 10 ** dp, max: hi * 10 ** dp }).map((n) => str(dec(String(n)).div(dec('1' + '0'.repeat(dp)))));

const btcSpec = (fee: string) => ({
  symbol: SYMBOL,
  base: 'BTC',
  quote: 'USDT',
  priceTick: '0.01',
  amountStep: '0.000001',
  minBase: '0.00001',
  minNotional: '3',
  takerFee: fee,
  makerFee: fee,
});

describe('PaperVenue properties', () => {
  it('buy then sell the same quantity at the same price loses exactly the fees', async () => {
    await fc.assert(
      fc.asyncProperty(
        decimalText(100, 200_000, 2),
        decimalText(10, 9_000, 2),
        fc.constantFrom('0', '0.001', '0.002', '0.0025'),
        async (priceText, quoteText, fee) => {
          const h = await makePaperHarness({ startingBalances: { USDT: '10000' }, broker: { instruments: [btcSpec(fee)] } });
          const P = dec(priceText);
          // No spread and deep levels: both orders trade at exactly P.
          h.market.setBook(SYMBOL, { bids: [[priceText, '1000']], asks: [[priceText, '1000']] });
          const inst = value(await h.broker.instrument(SYMBOL));

          const buy = value(await h.broker.createMarketBuyQuote(SYMBOL, dec(quoteText), 'prop-buy'));
          const held = value(await h.broker.fetchBalance(SYMBOL)).freeBase;
          const sell = value(await h.broker.createMarketSellBase(SYMBOL, inst.qty(held), 'prop-sell'));
          const b = value(await h.broker.fetchBalance(SYMBOL));
          await h.close();

          const equity = b.freeQuote.plus(b.freeBase.times(P));
          const fees = buy.fee.times(P).plus(sell.fee);
          expect(buy.feeCurrency === null || buy.feeCurrency === 'BTC').toBe(true);
          expect(str(equity)).toBe(str(dec('10000').minus(fees)));
          if (fee === '0') expect(str(equity)).toBe('10000');
          else expect(fees.gt('0')).toBe(true);
        },
      ),
      { numRuns: 150, seed: 20261124 },
    );
  });

  it('the account always equals the starting balances plus its fills, and never goes negative', async () => {
    const step = fc.oneof(
      fc.record({ side: fc.constant('buy' as const), amount: decimalText(1, 3_000, 2) }),
      fc.record({ side: fc.constant('sell' as const), amount: decimalText(0, 1, 6) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), decimalText(20_000, 80_000, 2), async (steps, priceText) => {
        const h = await makePaperHarness({ startingBalances: { USDT: '5000', BTC: '0.05' } });
        h.market.setPrice(SYMBOL, priceText);
        for (const [i, s] of steps.entries()) {
          // Refusals (too small, not enough balance) are fine here; they must change nothing.
          if (s.side === 'buy') await h.broker.createMarketBuyQuote(SYMBOL, dec(s.amount), `p-${i}`);
          else await h.broker.createMarketSellBase(SYMBOL, dec(s.amount), `p-${i}`);
        }
        const fills = value(await h.broker.fetchMyTrades(SYMBOL));
        let usdt: Decimal = dec('5000');
        let btc: Decimal = dec('0.05');
        for (const f of fills) {
          if (f.side === 'buy') {
            usdt = usdt.minus(f.cost);
            btc = btc.plus(f.amount).minus(f.fee);
          } else {
            btc = btc.minus(f.amount);
            usdt = usdt.plus(f.cost).minus(f.fee);
          }
        }
        const b = value(await h.broker.fetchBalance(SYMBOL));
        await h.close();
        expect(str(b.freeQuote)).toBe(str(usdt));
        expect(str(b.freeBase)).toBe(str(btc));
        expect(b.freeQuote.gte(ZERO) && b.freeBase.gte(ZERO)).toBe(true);
        expect(await h.saved()).toEqual({ BTC: { free: str(btc), used: '0' }, USDT: { free: str(usdt), used: '0' } });
      }),
      { numRuns: 100, seed: 424242 },
    );
  });
});
