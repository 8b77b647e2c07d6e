import { ZERO, idempotencyKey, isPositive, sellSize, type Decimal, type SignalContext, type RiskCode, type Side } from '@cab/domain';
import type { HaltCode } from '../pipeline/trading-state';
import { buildRiskState, portfolioExposure } from '../risk-state/risk-state-builder';
import type { CoreContext } from './core-context';
import { placeOrder } from './core-order-path';
import type { SymbolState } from './core-symbol-state';
import type { CandleQuote } from './venue-view';

/** Risk rules whose failure also puts trading in `reducing` until the rule passes again. */
const HALTING_RULES: readonly (HaltCode & RiskCode)[] = ['RISK.DAILY_LOSS', 'RISK.LOSS_STREAK', 'RISK.MAX_DRAWDOWN'];
const NO_RULES: readonly RiskCode[] = [];

/**
 * The strategy's evaluation (docs/core.md): the signal,
 * the risk verdict on the in-memory state (which also sets or clears the risk halts), then the one
 * order path. Runs inside TradingCore.handle, with no await.
 */
export function evaluate(ctx: CoreContext, s: SymbolState, quote: CandleQuote, timeframeMs: number): void {
  const { venue, clock } = ctx.opts;
  const now = clock.now();
  const symbol = s.symbol;
  const position = s.position;
  const held = position.baseQty;
  // A position with base but no open round trip is dust: not "in position".
  const inPosition = isPositive(held) && position.openedAt !== null;
  // A fresh context per ask: a strategy (a user's plug-in too) may keep it; one small object is cheap.
  const signal = s.strategy.signal({ symbol, timeframeMs, now, inPosition } satisfies SignalContext);
  const action = signal.action;
  if (action === 'hold') {
    // A hold is news only after another action (or as the first signal): a quiet candle publishes nothing.
    if (ctx.publishing && s.lastSignal !== 'hold') {
      s.lastSignal = 'hold';
      ctx.publish({ kind: 'signal', ts: now, symbol, action, reasons: signal.reasons });
    }
    return;
  }
  if (ctx.publishing) {
    s.lastSignal = action;
    ctx.publish({ kind: 'signal', ts: now, symbol, action, reasons: signal.reasons });
  }
  const ticker = quote.ticker();
  const inst = venue.instrument(symbol);
  if (!inst) return;
  const balance = venue.balance(symbol);
  let side: Side;
  let amount: Decimal;
  if (action === 'buy') {
    side = 'buy';
    amount = ctx.opts.fixedAmount;
  } else {
    if (!inPosition || !balance) return;
    const size = sellSize(inst, held, balance.freeBase, ticker.bid);
    if (size.deny) return;
    side = 'sell';
    amount = size.qty;
  }
  const intent = side === 'buy' ? { symbol, side, quoteAmount: amount, ts: now } : { symbol, side, baseAmount: amount, reduceOnly: true, ts: now };
  const book = side === 'buy' && ctx.book ? venue.book(symbol, 50) : null;
  // The portfolio limits read every symbol's position and unsettled entry: only for an entry, and only when one is set.
  const cfg = ctx.opts.risk.config;
  const portfolio = side === 'buy' && (cfg.maxOpenPositions > 0 || cfg.maxTotalExposureQuote.gt(ZERO)) ? portfolioExposure(ctx.exposures(), symbol) : undefined;
  const state = buildRiskState(ctx.ledger, {
    ...(portfolio ? { portfolio } : {}),
    tradingState: ctx.halts.state(),
    ticker,
    orderBook: book,
    instrument: inst,
    positionBase: held,
    balance,
    now,
  });
  if (ctx.publishing) {
    const decision = ctx.opts.risk.check(intent, state);
    const codes = decision.violations.map((v) => v.code);
    ctx.publish({ kind: 'risk', ts: now, symbol, side, ok: decision.ok, codes, violations: decision.violations, limits: decision.limits });
    // Only an entry's verdict evaluates the entry-only rules, so only it may set or clear their halts.
    if (side === 'buy') syncRiskHalts(ctx, codes, now);
    if (!decision.ok) {
      const key = `${side}|${codes.join(',')}|${Math.floor(now / ctx.opts.bucketMs)}`;
      if (s.lastBlocked !== key) {
        s.lastBlocked = key;
        ctx.publish({ kind: 'blocked', ts: now, symbol, side, reasons: decision.reasons, limits: decision.limits });
      }
      return;
    }
  } else {
    // Nothing to publish: only the verdict and the halting rules are read, so the risk manager may
    // stop at the first failing rule once those have run (RiskManager.verdict: the same answers).
    const verdict = ctx.opts.risk.verdict(intent, state, side === 'buy' ? HALTING_RULES : NO_RULES);
    if (side === 'buy') syncRiskHalts(ctx, verdict.failing, now);
    if (!verdict.ok) return;
  }
  placeOrder(ctx, s, inst, side, amount, idempotencyKey(symbol, side, now, ctx.opts.bucketMs), `signal: ${signal.reasons.join('; ')}`);
}

/** `failing`: the codes of the rules that fail (at least every halting one that does). */
function syncRiskHalts(ctx: CoreContext, failing: readonly RiskCode[], now: number): void {
  for (const code of HALTING_RULES) {
    if (failing.includes(code)) ctx.setHalt(code, 'reducing', now, 'the risk rule fails');
    else ctx.clearHalt(code, now);
  }
}
