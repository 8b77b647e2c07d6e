/**
 * Breakout (Donchian channel): a close above the highest high of the previous `entryPeriod`
 * candles → buy; a close below the lowest low of the previous `exitPeriod` candles → sell.
 *
 *   cab backtest --strategy-path examples/strategies --strategy donchian_breakout --data candles.csv
 *
 * docs/strategies.md explains the parts (parameters, warm-up, reasons).
 */
import { defineStrategy, fmt, lazySignal, StreamingStrategy, type Candle, type Signal } from '@cab/domain';

/**
 * The highest (or lowest) value of the last `period` values, in amortized O(1) per update: a
 * monotonic deque of candidates, each pushed and dropped once, in a ring buffer of `period` slots.
 */
class RollingExtreme {
  private readonly values: Float64Array;
  private readonly index: Float64Array;
  private head = 0;
  private size = 0;
  private n = 0;

  constructor(
    private readonly period: number,
    private readonly highest: boolean,
  ) {
    this.values = new Float64Array(period);
    this.index = new Float64Array(period);
  }

  /** The extreme of the window, NaN until it is full. */
  get value(): number {
    return this.n >= this.period ? (this.values[this.head] as number) : NaN;
  }

  update(x: number): void {
    const cap = this.period;
    // Drop candidates a newer, better value makes useless.
    while (this.size > 0) {
      const last = this.values[(this.head + this.size - 1) % cap] as number;
      if (this.highest ? last > x : last < x) break;
      this.size--;
    }
    const slot = (this.head + this.size) % cap;
    this.values[slot] = x;
    this.index[slot] = this.n;
    this.size++;
    this.n++;
    // Drop the front once it has left the window.
    if ((this.index[this.head] as number) <= this.n - 1 - cap) {
      this.head = (this.head + 1) % cap;
      this.size--;
    }
  }
}

interface Params {
  readonly entryPeriod: number;
  readonly exitPeriod: number;
}

class DonchianBreakout extends StreamingStrategy {
  readonly name = 'donchian_breakout';
  readonly warmup: number;
  private high!: RollingExtreme;
  private low!: RollingExtreme;
  /** The channel of the candles BEFORE the last one: the last close is compared with it. */
  private upper = NaN;
  private lower = NaN;
  private close = NaN;

  constructor(readonly p: Params) {
    super();
    this.warmup = Math.max(p.entryPeriod, p.exitPeriod) + 1;
    this.onReset();
  }

  protected onReset(): void {
    this.high = new RollingExtreme(this.p.entryPeriod, true);
    this.low = new RollingExtreme(this.p.exitPeriod, false);
    this.upper = NaN;
    this.lower = NaN;
    this.close = NaN;
  }

  protected onCandle(c: Candle): void {
    this.upper = this.high.value;
    this.lower = this.low.value;
    this.high.update(c.high);
    this.low.update(c.low);
    this.close = c.close;
  }

  protected decide(): Signal {
    const { upper, lower, close } = this;
    const { entryPeriod, exitPeriod } = this.p;
    if (close > upper) return lazySignal('buy', () => [`SIGNAL.BREAKOUT_UP: close ${fmt(close)} > ${entryPeriod}-candle high ${fmt(upper)}`]);
    if (close < lower) return lazySignal('sell', () => [`SIGNAL.BREAKDOWN: close ${fmt(close)} < ${exitPeriod}-candle low ${fmt(lower)}`]);
    return lazySignal('hold', () => [`SIGNAL.IN_CHANNEL: ${fmt(lower)} <= close ${fmt(close)} <= ${fmt(upper)}`]);
  }
}

export default defineStrategy({
  name: 'donchian_breakout',
  description: 'Breakout: buy a close above the N-candle high, sell a close below the M-candle low',
  parameters: {
    entryPeriod: { type: 'integer', min: 2, max: 1000, default: 60, description: 'candles of the high a close must break' },
    exitPeriod: { type: 'integer', min: 2, max: 1000, default: 30, description: 'candles of the low that ends the trade' },
  },
  create: (p) => new DonchianBreakout(p),
});
