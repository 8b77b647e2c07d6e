import { GateVenue, CcxtCountdownSwitch } from '@cab/infrastructure';
import type { PipelineWorld } from '@cab/infrastructure/testing';
import { startEmulator, type Emulator, type EmulatorOptions } from '../server';

export const API_KEY = 'pipelinekey';
export const API_SECRET = 'pipelinesecret';

export interface LiveWorld extends PipelineWorld {
  emu: Emulator;
  broker: GateVenue;
}

/** Live mode: GateVenue (the real ccxt client) against a fresh emulator on a free port. */
export async function makeLivePipelineWorld(opts: EmulatorOptions = {}): Promise<LiveWorld> {
  const emu = await startEmulator({
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    balances: { USDT: '10000', BTC: '0' },
    prices: { BTC_USDT: '50000' },
    candleStepMs: 0,
    ...opts,
  });
  const broker = new GateVenue({
    exchange: 'gateio',
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    apiUrl: emu.url,
    timeoutMs: 2_000,
    retry: { attempts: 3, baseMs: 10, maxMs: 50 },
    breaker: { failures: 5, cooldownMs: 30_000 },
    sleep: async () => undefined,
    random: () => 0.5,
  });
  const pairOf = (symbol: string): string => symbol.replace('/', '_');
  return {
    mode: 'live',
    env: { API_KEY, API_SECRET, EXCHANGE_API_URL: emu.url },
    emu,
    broker,
    countdown: new CcxtCountdownSwitch(broker),
    async setVenuePrice(symbol, price) {
      emu.setPrice(pairOf(symbol), price);
    },
    async venueOrders(symbol) {
      return emu.exchange.orders.filter((o) => o.pair === pairOf(symbol)).map((o) => ({ clientOrderId: o.text, status: o.status }));
    },
    countdownArmed: (symbol) => emu.exchange.countdowns.has(pairOf(symbol)),
    async close() {
      await broker.close();
      await emu.close();
    },
  };
}
