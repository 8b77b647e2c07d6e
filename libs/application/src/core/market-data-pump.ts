import { str, type Candle, type Clock } from '@cab/domain';
import type { TickerDTO } from '../ports/broker';
import type { MarketData } from '../ports/market-data';
import type { CoreEvent } from './core-events';
import type { EdgeStatus } from './edge-status';
import type { CandleQuote } from './venue-view';

export interface MarketDataPumpOptions {
  symbols: readonly string[];
  marketData: MarketData;
  clock: Clock;
  /** EventDriver.enqueue. */
  enqueue: (e: CoreEvent) => void;
  /** TradingCore.seed: the strategy started over from these closed candles (the first poll, and after a gap). */
  seed: (symbol: string, history: readonly Candle[]) => void;
  /** Closed candles read each poll (the strategy's warm-up on the first). Default 200. */
  history?: number;
  /** A ticker older than this is stale: no event. Default 30 s. */
  maxQuoteAgeMs?: number;
  /** A problem (stale, gap, unavailable) and its clearing, once per change and symbol. */
  onStatus?: (s: EdgeStatus) => void;
}

/**
 * The market data edge of the EventDriver (docs/core.md, "Drivers"): each poll reads every
 * symbol's closed candles and ticker and turns them into events — a CandleClosed exactly once per
 * closed candle (evaluation and exit check), else a Quote (exit check only). Nothing is decided
 * here: the poll awaits the reads, then enqueues, and the core handles each event synchronously.
 * Data it cannot trust makes no event, only a status: a failed read, a ticker older than
 * `maxQuoteAgeMs`, a last closed candle older than one timeframe (the feed stopped), or a hole
 * in the candles since the last one handed over (then the strategy is seeded again from what was
 * read, so the next candle continues what it saw).
 */
export class MarketDataPump {
  private readonly last = new Map<string, number>();
  private readonly state = new Map<string, EdgeStatus['state']>();

  constructor(private readonly opts: MarketDataPumpOptions) {}

  /** One poll of every symbol (the runtime's eval timer polls; CoreRuntime). */
  async poll(): Promise<void> {
    for (const symbol of this.opts.symbols) await this.pollSymbol(symbol);
  }

  private async pollSymbol(symbol: string): Promise<void> {
    const { marketData, clock } = this.opts;
    const tf = marketData.timeframeMs(symbol);
    const [candles, ticker] = [await marketData.candles(symbol, this.opts.history ?? 200), await marketData.ticker(symbol)];
    const now = clock.now();
    if (!candles.ok) return this.status(symbol, 'unavailable', `candles: ${candles.error.code}: ${candles.error.message}`, now);
    if (!ticker.ok) return this.status(symbol, 'unavailable', `ticker: ${ticker.error.code}: ${ticker.error.message}`, now);
    const t = ticker.value;
    const maxAge = this.opts.maxQuoteAgeMs ?? 30_000;
    if (now - t.ts > maxAge) return this.status(symbol, 'stale', `the ticker is ${now - t.ts} ms old (max ${maxAge})`, now);
    const list = candles.value;
    const newest = list[list.length - 1];
    // The newest closed candle closes at ts + tf; one more should have closed by now + tf at the latest.
    if (!newest || newest.ts + 2 * tf <= now) return this.status(symbol, 'stale', newest ? `the last closed candle opened at ${newest.ts}` : 'no candles', now);
    const quote = candleQuote(t);
    const last = this.last.get(symbol);
    if (last === undefined) {
      // The first look: what is closed already is history, not news.
      this.opts.seed(symbol, list);
      this.last.set(symbol, newest.ts);
      this.status(symbol, 'ok', 'seeded', now);
      return this.opts.enqueue({ kind: 'quote', symbol, quote });
    }
    const fresh = list.filter((c) => c.ts > last);
    if (fresh.length === 0) {
      this.status(symbol, 'ok', 'no new candle', now);
      return this.opts.enqueue({ kind: 'quote', symbol, quote });
    }
    for (let i = 0; i < fresh.length; i++)
      if (fresh[i]!.ts !== last + (i + 1) * tf) {
        this.opts.seed(symbol, list);
        this.last.set(symbol, newest.ts);
        return this.status(symbol, 'gap', `a candle is missing after ${last + i * tf}`, now);
      }
    this.last.set(symbol, newest.ts);
    this.status(symbol, 'ok', `${fresh.length} new candle(s)`, now);
    for (const candle of fresh) this.opts.enqueue({ kind: 'candle-closed', symbol, candle, quote, timeframeMs: tf });
  }

  /** Reports a problem, and its clearing, once per change: a poll a second must not flood the log. */
  private status(symbol: string, state: EdgeStatus['state'], detail: string, at: number): void {
    const before = this.state.get(symbol) ?? 'ok';
    this.state.set(symbol, state);
    if (state === before && state !== 'gap') return;
    this.opts.onStatus?.({ source: 'market-data', symbol, state, detail, at });
  }
}

/** The ticker as the core reads it; the float bid is only the exits' pre-check (TradingCore's exitCannotMove). */
function candleQuote(t: TickerDTO): CandleQuote {
  return { bidApprox: Number(str(t.bid)), ticker: () => t };
}
