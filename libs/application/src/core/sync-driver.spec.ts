import { dec, type Decimal } from '@cab/domain';
import { FakeClock, T0 } from '@cab/domain/testing';
import type { BrokerResult, OrderDTO } from '../ports/broker';
import { aTradingCore, FakeVenueView, marketOrderAnswer, quoteAt, SYMBOL, TF } from '../testing';
import { SyncDriver } from './sync-driver';
import type { SyncVenue } from './sync-venue';

/** A venue answering in the same call: a buy fills at 50,000 (fee 0.2 % in base) and its base lands in the balance, less `lose` (a venue bug). */
class FillingVenue extends FakeVenueView implements SyncVenue {
  lose: Decimal = dec('0');
  private n = 0;
  marketBuyQuote(_symbol: string, quote: Decimal, clientOrderId: string): BrokerResult<OrderDTO> {
    const base = quote.div('50000');
    const answer = marketOrderAnswer({ id: `v-${++this.n}`, clientOrderId, trades: [{ id: `t-${this.n}`, base: base.toString(), price: '50000' }] });
    this.freeBase = this.freeBase.plus(base.times('0.998')).minus(this.lose);
    this.freeQuote = this.freeQuote.minus(quote);
    return { ok: true, value: answer };
  }
  marketSellBase(): BrokerResult<OrderDTO> {
    throw new Error('no sells in this spec');
  }
}

describe('SyncDriver.reconcileAtEnd: the backtest reconciles once, at the end, as an invariant check', () => {
  function bought(venue: FillingVenue) {
    const clock = new FakeClock(T0);
    const { core, next } = aTradingCore({ clock, venue });
    const driver = new SyncDriver(core, venue);
    next.action = 'buy';
    driver.decide(SYMBOL, quoteAt(clock.now()), TF);
    expect(core.position(SYMBOL).openedAt).not.toBeNull();
    return { core, driver };
  }

  it('finds nothing when the venue holds what the core booked', () => {
    const { core, driver } = bought(new FillingVenue());
    const position = core.position(SYMBOL).baseQty;
    expect(driver.reconcileAtEnd()).toEqual([]);
    expect(core.position(SYMBOL).baseQty.eq(position)).toBe(true);
    expect(core.halts.has('RECONCILE.MISMATCH')).toBe(false);
  });

  it('names the symbol, the venue balance and the position when the venue holds less than the core booked', () => {
    const venue = new FillingVenue();
    venue.lose = dec('0.0005');
    const { core, driver } = bought(venue);
    const position = core.position(SYMBOL).baseQty.toString();
    const held = venue.freeBase.toString();
    expect(driver.reconcileAtEnd()).toEqual([`${SYMBOL}: the venue holds ${held} BTC (${venue.freeQuote.toString()} USDT), the core's position ${position}`]);
    expect(core.halts.has('RECONCILE.MISMATCH')).toBe(true);
  });
});
