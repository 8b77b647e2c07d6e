import type { MarketData, MarketDataResult, TickerDTO } from '@cab/application';
import { errorText } from '@cab/application';
import { dec, type Candle, type Clock } from '@cab/domain';
import type { CcxtModule } from '../venue/gate/errors';
import { loadCcxt, makeGateClient, type GateClient } from '../venue/gate/gate-client';

export interface ExchangeMarketDataOptions {
  clock: Clock;
  /** Base URL override (the local emulator); default Gate's. */
  apiUrl?: string;
  timeoutMs: number;
  /** Candle timeframe as ccxt names it; default "1m". */
  timeframe?: '1m' | '5m' | '15m' | '1h';
}

const TF_MS = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000 } as const;

type Raw = Record<string, unknown>;

/**
 * MARKET_DATA=exchange: candles and tickers from Gate's public API through ccxt (no keys needed).
 * It builds its own `gate` client with the broker's factory (same endpoints, same options, rate
 * limiter on) and loads ccxt lazily, on the first request, like GateVenue: a command that never
 * asks for a price never pays for ccxt. Only closed candles are returned (the one still forming
 * would make a signal flicker within its minute).
 */
export class ExchangeMarketData implements MarketData {
  readonly name = 'exchange';
  private client: Promise<{ ex: GateClient; ccxt: CcxtModule }> | null = null;
  private readonly tf: keyof typeof TF_MS;

  constructor(private readonly opts: ExchangeMarketDataOptions) {
    this.tf = opts.timeframe ?? '1m';
  }

  timeframeMs(_symbol?: string): number {
    return TF_MS[this.tf];
  }

  async candles(symbol: string, limit: number): Promise<MarketDataResult<Candle[]>> {
    return this.guard(symbol, async (ex) => {
      // One more than asked: the newest row is usually the candle still forming.
      const rows = await ex.fetchOHLCV(symbol, this.tf, undefined, Math.max(1, limit) + 1);
      const now = this.opts.clock.now();
      const tf = this.timeframeMs();
      const candles: Candle[] = [];
      for (const r of rows) {
        const [ts, open, high, low, close, volume] = r as number[];
        if (ts === undefined || ts + tf > now) continue;
        candles.push({ ts, open: open!, high: high!, low: low!, close: close!, volume: volume ?? 0 });
      }
      return candles.slice(-limit);
    });
  }

  async ticker(symbol: string): Promise<MarketDataResult<TickerDTO>> {
    return this.guard(symbol, async (ex) => {
      const t = await ex.fetchTicker(symbol);
      // Gate's raw strings, not ccxt's floats: prices go into orders and risk checks.
      const info = t.info as Raw;
      return {
        symbol,
        bid: dec(String(info['highest_bid'])),
        ask: dec(String(info['lowest_ask'])),
        last: dec(String(info['last'])),
        ts: t.timestamp ?? this.opts.clock.now(),
      };
    });
  }

  private async guard<T>(symbol: string, fn: (ex: GateClient) => Promise<T>): Promise<MarketDataResult<T>> {
    let ccxt: CcxtModule | null = null;
    try {
      const c = await this.ensure();
      ccxt = c.ccxt;
      return { ok: true, value: await fn(c.ex) };
    } catch (e) {
      const unknown = ccxt !== null && e instanceof ccxt.BadSymbol;
      return {
        ok: false,
        error: { code: unknown ? 'MARKET_DATA.UNKNOWN_SYMBOL' : 'MARKET_DATA.UNAVAILABLE', message: `${symbol}: ${errorText(e)}` },
      };
    }
  }

  private ensure(): Promise<{ ex: GateClient; ccxt: CcxtModule }> {
    this.client ??= loadCcxt().then((ccxt) => ({
      ccxt,
      ex: makeGateClient(ccxt, {
        apiKey: '',
        apiSecret: '',
        ...(this.opts.apiUrl ? { apiUrl: this.opts.apiUrl } : {}),
        timeoutMs: this.opts.timeoutMs,
        enableRateLimit: true,
      }),
    }));
    return this.client;
  }
}
