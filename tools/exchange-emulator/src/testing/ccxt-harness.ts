import { str } from '@cab/domain';
import type { OrderDTO } from '@cab/application';
import { GateVenue, type GateVenueOptions } from '@cab/infrastructure';
import type { BrokerHarness } from '@cab/infrastructure/testing';
import { startEmulator, type Emulator, type EmulatorOptions } from '../server';

export interface CcxtHarness extends BrokerHarness {
  broker: GateVenue;
  emu: Emulator;
  /** Backoffs the broker asked to sleep (the sleep itself is instant). */
  sleeps: number[];
}

export interface CcxtHarnessOptions {
  emulator?: EmulatorOptions;
  broker?: Partial<GateVenueOptions>;
}

const pairOf = (symbol: string): string => symbol.replace('/', '_');

/** The real ccxt `gate` client, through GateVenue, against a fresh emulator on a free port. */
export async function makeCcxtHarness(opts: CcxtHarnessOptions = {}): Promise<CcxtHarness> {
  const emu = await startEmulator({ balances: { USDT: '0', BTC: '0' }, prices: { BTC_USDT: '50000' }, candleStepMs: 0, ...opts.emulator });
  const sleeps: number[] = [];
  const broker = new GateVenue({
    exchange: 'gateio',
    apiKey: 'testkey',
    apiSecret: 'testsecret',
    apiUrl: emu.url,
    timeoutMs: 2_000,
    retry: { attempts: 3, baseMs: 100, maxMs: 1_000 },
    breaker: { failures: 5, cooldownMs: 30_000 },
    // ccxt's limiter stays on (as in production); its 50 ms spacing is what keeps specs honest.
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...opts.broker,
  });
  return {
    broker,
    emu,
    sleeps,
    symbol: 'BTC/USDT',
    async setPrice(symbol, price) {
      emu.setPrice(pairOf(symbol), str(price));
    },
    async fund(balances) {
      for (const [cur, amount] of Object.entries(balances)) emu.exchange.setBalance(cur, amount);
    },
    async createRestingOrder(symbol, side, amount, price, clientOrderId): Promise<OrderDTO> {
      const o = emu.exchange.createOrder({
        currency_pair: pairOf(symbol),
        type: 'limit',
        side,
        amount: str(amount),
        price: str(price),
        text: clientOrderId,
        account: 'spot',
      });
      const r = await broker.fetchOrder(symbol, { id: o.id });
      if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
      return r.value;
    },
    async close() {
      await broker.close();
      await emu.close();
    },
  };
}
