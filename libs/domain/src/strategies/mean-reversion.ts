import { FieldReader, type Validated } from '../config/validated';
import { Bollinger } from '../indicators/bollinger';
import { Rsi } from '../indicators/rsi';
import { fmt, guard, hold, longOnly } from './guard';
import type { Signal, Strategy, StrategyContext } from './types';

export interface MeanReversionParams {
  readonly bbPeriod: number;
  readonly bbMult: number;
  readonly rsiPeriod: number;
  /** Buy only while RSI is below this … */
  readonly rsiOversold: number;
  /** … and sell once it rises above this, or once the close is back at the exit band. */
  readonly rsiOverbought: number;
  /** Which band ends the reversion: the middle (SMA) or the upper band. */
  readonly exitBand: 'middle' | 'upper';
}

export const MEAN_REVERSION_DEFAULTS: MeanReversionParams = { bbPeriod: 20, bbMult: 2, rsiPeriod: 14, rsiOversold: 30, rsiOverbought: 70, exitBand: 'middle' };

export function validateMeanReversion(p: Record<string, unknown>): Validated<MeanReversionParams> {
  const r = new FieldReader();
  const exitBand = p['exitBand'];
  r.check(exitBand === 'middle' || exitBand === 'upper', `exitBand: must be "middle" or "upper", got ${JSON.stringify(exitBand)}`);
  const v: MeanReversionParams = {
    bbPeriod: r.integer('bbPeriod', p['bbPeriod'], 2, 1000),
    bbMult: r.number('bbMult', p['bbMult'], 0.1, 10),
    rsiPeriod: r.integer('rsiPeriod', p['rsiPeriod'], 2, 1000),
    rsiOversold: r.number('rsiOversold', p['rsiOversold'], 0, 100),
    rsiOverbought: r.number('rsiOverbought', p['rsiOverbought'], 0, 100),
    exitBand: exitBand === 'upper' ? 'upper' : 'middle',
  };
  r.check(v.rsiOversold < v.rsiOverbought, `rsiOversold (${String(p['rsiOversold'])}) must be < rsiOverbought (${String(p['rsiOverbought'])})`);
  return r.done(v);
}

/**
 * Mean reversion: buy a close below the lower Bollinger band while RSI confirms oversold; sell
 * when the close is back at the exit band or RSI turns overbought.
 */
export class MeanReversion implements Strategy {
  readonly name = 'mean_reversion';
  readonly warmup: number;

  constructor(readonly params: MeanReversionParams) {
    this.warmup = Math.max(params.bbPeriod, 4 * params.rsiPeriod) + 1;
  }

  evaluate(ctx: StrategyContext): Signal {
    const g = guard(ctx, this.warmup);
    if ('signal' in g) return g.signal;
    const { bbPeriod, bbMult, rsiPeriod, rsiOversold, rsiOverbought, exitBand } = this.params;
    const bb = new Bollinger(bbPeriod, bbMult);
    const rsi = new Rsi(rsiPeriod);
    const candles = ctx.candles;
    for (let i = g.from; i < candles.length; i++) {
      bb.update(candles[i]!.close);
      rsi.update(candles[i]!.close);
    }
    const close = candles[candles.length - 1]!.close;
    const r = rsi.value;
    const bands = `close ${fmt(close)}, BB(${bbPeriod}, ${bbMult}) ${fmt(bb.lower)} / ${fmt(bb.middle)} / ${fmt(bb.upper)}`;
    const rsiText = `RSI(${rsiPeriod}) ${fmt(r)}`;
    if (close < bb.lower) {
      if (r < rsiOversold) return longOnly(ctx, { action: 'buy', reasons: [`SIGNAL.BELOW_LOWER_BAND: ${bands}`, `SIGNAL.RSI_OVERSOLD: ${rsiText} < ${rsiOversold}`] });
      return hold(`SIGNAL.BELOW_LOWER_BAND: ${bands}`, `SIGNAL.RSI_FILTER: ${rsiText} >= ${rsiOversold}, not oversold`);
    }
    const exitLevel = exitBand === 'upper' ? bb.upper : bb.middle;
    if (close >= exitLevel) return longOnly(ctx, { action: 'sell', reasons: [`SIGNAL.AT_${exitBand.toUpperCase()}_BAND: ${bands}`] });
    if (r > rsiOverbought) return longOnly(ctx, { action: 'sell', reasons: [`SIGNAL.RSI_OVERBOUGHT: ${rsiText} > ${rsiOverbought}`] });
    return hold(`SIGNAL.INSIDE_BANDS: ${bands}; ${rsiText}`);
  }
}
