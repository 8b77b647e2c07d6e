import type { Result } from '@cab/domain';
import { FakeClock, SequentialIds } from '@cab/domain/testing';
import type { PaperBalances } from '@cab/application';
import type { BrokerHarness } from '../../venue.contract';
import { InMemoryPaperLedger } from '../in-memory-ledger';
import { PaperVenue, type PaperVenueOptions } from '../paper-venue';
import { SettableMarket } from '../paper-market';

export interface PaperHarnessOptions {
  symbol?: string;
  /** The ledger to use (a saved account to restart from); a fresh in-memory one by default. */
  ledger?: InMemoryPaperLedger;
  startingBalances?: Record<string, string>;
  broker?: Partial<Omit<PaperVenueOptions, 'market' | 'ledger' | 'clock' | 'ids'>>;
  clock?: FakeClock;
  ids?: SequentialIds;
}

export interface PaperHarness extends BrokerHarness {
  broker: PaperVenue;
  market: SettableMarket;
  ledger: InMemoryPaperLedger;
  clock: FakeClock;
  /** What the ledger holds now. */
  saved(): Promise<PaperBalances | null>;
}

function unwrap<T>(r: Result<T, { code: string; message: string }>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** A PaperVenue on a settable market, an in-memory ledger, a FakeClock and sequential ids. */
export async function makePaperHarness(opts: PaperHarnessOptions = {}): Promise<PaperHarness> {
  const clock = opts.clock ?? new FakeClock();
  const market = new SettableMarket(clock);
  const ledger = opts.ledger ?? new InMemoryPaperLedger();
  const broker = new PaperVenue({
    market,
    ledger,
    clock,
    ids: opts.ids ?? new SequentialIds('paper-'),
    startingBalances: opts.startingBalances ?? { USDT: '10000' },
    ...opts.broker,
  });
  return {
    broker,
    market,
    ledger,
    clock,
    symbol: opts.symbol ?? 'BTC/USDT',
    async setPrice(symbol, price) {
      market.setPrice(symbol, price);
    },
    async fund(balances) {
      for (const [currency, amount] of Object.entries(balances)) unwrap(await broker.setFreeBalance(currency, amount));
    },
    async createRestingOrder(symbol, side, amount, price, clientOrderId) {
      return unwrap(await broker.placeRestingOrder(symbol, side, amount, price, clientOrderId));
    },
    saved: () => ledger.load(),
    close: () => broker.close(),
  };
}
