import ccxt from 'ccxt';
import type { Emulator } from '../server';

export type Gate = InstanceType<typeof ccxt.gate>;

/** A raw ccxt `gate` client pointed at the emulator, with the options tools/exchange-emulator/README.md names (two requests per market load). */
export function gateClient(emu: Emulator, creds: { apiKey?: string; secret?: string } = {}): Gate {
  const ex = new ccxt.gate({
    apiKey: creds.apiKey ?? 'testkey',
    secret: creds.secret ?? 'testsecret',
    has: { fetchCurrencies: false },
    options: { fetchMarkets: { types: ['spot'] }, unifiedAccount: false },
  });
  const api = ex.urls['api'] as Record<string, Record<string, string>>;
  for (const scope of ['public', 'private']) for (const k of Object.keys(api[scope] ?? {})) (api[scope] as Record<string, string>)[k] = emu.url;
  return ex;
}
