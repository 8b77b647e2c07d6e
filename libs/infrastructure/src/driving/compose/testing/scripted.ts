import type { MarketData, MarketDataResult, TickerDTO } from '@cab/application';
import { dec, type Candle, type Clock, type Signal, type SignalContext, type Strategy, type StrategyFactory } from '@cab/domain';

/**
 * A market the spec sets by hand: a price (bid/ask around it with `spread`) and always-fresh
 * candles at that price. `hang` makes every call wait forever (a stalled data source).
 */
export class ScriptedMarketData implements MarketData {
  readonly name = 'scripted';
  private readonly prices = new Map<string, { price: string; spread: string }>();
  hang = false;
  /** Calls waiting on `hang` now: a spec waits for one before it moves on, so the step has done its other reads. */
  hanging = 0;
  /** While set, candles() waits for it: holds an evaluation in flight. */
  gate: Promise<void> | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly tf = 60_000,
  ) {}

  setPrice(symbol: string, price: string, spread = '0.0002'): void {
    this.prices.set(symbol, { price, spread });
  }

  private forever(): Promise<never> {
    this.hanging++;
    return new Promise<never>(() => undefined);
  }

  timeframeMs(): number {
    return this.tf;
  }

  async candles(symbol: string, limit: number): Promise<MarketDataResult<Candle[]>> {
    if (this.hang) await this.forever();
    if (this.gate) await this.gate;
    const p = this.prices.get(symbol);
    if (!p) return { ok: false, error: { code: 'MARKET_DATA.UNKNOWN_SYMBOL', message: symbol } };
    const close = Number(p.price);
    const lastOpen = Math.floor(this.clock.now() / this.tf) * this.tf - this.tf;
    const n = Math.max(1, limit);
    return {
      ok: true,
      value: Array.from({ length: n }, (_, i) => ({ ts: lastOpen - (n - 1 - i) * this.tf, open: close, high: close, low: close, close, volume: 1 })),
    };
  }

  async ticker(symbol: string): Promise<MarketDataResult<TickerDTO>> {
    if (this.hang) await this.forever();
    const p = this.prices.get(symbol);
    if (!p) return { ok: false, error: { code: 'MARKET_DATA.UNKNOWN_SYMBOL', message: symbol } };
    const price = dec(p.price);
    const half = dec(p.spread).div('2');
    return { ok: true, value: { symbol, bid: price.times(dec('1').minus(half)), ask: price.times(dec('1').plus(half)), last: price, ts: this.clock.now() } };
  }
}

/**
 * A strategy that says what the spec tells it to (`next`), with a reason naming itself. Stateless,
 * so it is its own factory: every symbol shares the one instance and the spec's `next`.
 */
export class ScriptedStrategy implements Strategy, StrategyFactory {
  readonly name = 'scripted';
  readonly warmup = 2;
  readonly params = {};
  next: Signal['action'] = 'hold';
  /** Candles fed, all symbols together (a spec can check nothing is fed twice). */
  fed = 0;
  create(): Strategy {
    return this;
  }
  update(): void {
    this.fed++;
  }
  reset(): void {}
  signal(ctx: SignalContext): Signal {
    const action = this.next === 'sell' && ctx.inPosition === false ? 'hold' : this.next;
    return { action, reasons: [`SIGNAL.SCRIPTED: ${action}`] };
  }
}
