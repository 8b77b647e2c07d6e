import type { CcxtModule } from './errors';
import { forgetFailedMarketLoads } from './markets-loading';

/** The ccxt `gate` instance type. */
export type GateClient = InstanceType<CcxtModule['gate']>;

/** EXCHANGE values we accept → ccxt's class id. Spot Gate only, for now. */
const EXCHANGES: Record<string, 'gate'> = { gate: 'gate', gateio: 'gate', 'gate.io': 'gate' };

export function ccxtExchangeId(name: string): 'gate' {
  const id = EXCHANGES[name.trim().toLowerCase()];
  if (!id) throw new RangeError(`unsupported EXCHANGE ${JSON.stringify(name)}: only gateio (ccxt "gate") is supported`);
  return id;
}

let loaded: Promise<CcxtModule> | null = null;

/**
 * ccxt costs ~0.4 s and ~100 MB to load: only code that trades pays for it, on first use.
 * (Compiled to CommonJS, this `import()` becomes a deferred `require`.)
 */
export function loadCcxt(): Promise<CcxtModule> {
  loaded ??= import('ccxt');
  return loaded;
}

export interface GateClientConfig {
  apiKey: string;
  apiSecret: string;
  /** e.g. http://127.0.0.1:8600/api/v4 — every ccxt endpoint is pointed at it. */
  apiUrl?: string;
  timeoutMs: number;
  enableRateLimit: boolean;
}

/**
 * A ccxt `gate` client for the spot account. The options keep loadMarkets to two requests
 * (tools/exchange-emulator/README.md): no currencies call, spot markets only, no unified-account probe. A failed market
 * load is forgotten, so the client recovers by itself once the venue is back (markets-loading.ts).
 */
export function makeGateClient(ccxt: CcxtModule, cfg: GateClientConfig): GateClient {
  const client = new ccxt.gate({
    apiKey: cfg.apiKey,
    secret: cfg.apiSecret,
    timeout: cfg.timeoutMs,
    enableRateLimit: cfg.enableRateLimit,
    has: { fetchCurrencies: false },
    options: { fetchMarkets: { types: ['spot'] }, unifiedAccount: false, defaultType: 'spot' },
  });
  if (cfg.apiUrl) {
    const base = cfg.apiUrl.replace(/\/+$/, '');
    const api = client.urls['api'] as Record<string, Record<string, string>>;
    for (const scope of ['public', 'private']) {
      const table = api[scope];
      if (table) for (const k of Object.keys(table)) table[k] = base;
    }
  }
  return forgetFailedMarketLoads(client);
}
