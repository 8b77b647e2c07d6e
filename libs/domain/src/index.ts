// @cab/domain — the pure trading core. Everything public is exported here and nowhere else.

// results
export * from './result';

// money and time
export * from './money/decimal';
export * from './time/clock';
export * from './config/validated';

// market
export * from './market/types';
export * from './market/instrument';
export * from './market/book-walk';
export * from './market/sizing';
export * from './market/timeframe';

// indicators (float64)
export * from './indicators/index';

// signals and strategies
export * from './strategies/types';
export * from './strategies/signal';
export * from './strategies/streaming-strategy';
export * from './strategies/define-strategy';
export * from './strategies/strategy-fault';
export * from './strategies/ema-cross-rsi';
export * from './strategies/mean-reversion';
export * from './strategies/registry';

// risk
export * from './risk/config';
export * from './risk/types';
export * from './risk/intent';
export * from './risk/risk-manager';
export { cooldownRule } from './risk/rules/cooldown';
export { dailyLossRule } from './risk/rules/daily-loss';
export { invalidIntentRule } from './risk/rules/invalid-intent';
export { lossStreakRule } from './risk/rules/loss-streak';
export { maxDrawdownRule } from './risk/rules/max-drawdown';
export { maxFeeRule } from './risk/rules/max-fee';
export { maxPositionRule } from './risk/rules/max-position';
export { ordersPerHourRule } from './risk/rules/orders-per-hour';
export { slippageRule } from './risk/rules/slippage';
export { spreadRule } from './risk/rules/spread';
export { tradingStateRule } from './risk/rules/trading-state';

// exits
export * from './exits/config';
export * from './exits/exit-policy';

// orders
export * from './orders/status';
export * from './orders/transitions';
export * from './orders/venue-event';
export * from './orders/order';
export * from './orders/apply-observation';
export * from './orders/idempotency';
export * from './orders/client-order-id';
export * from './orders/config';

// pnl
export * from './pnl/position';
export * from './pnl/round-trip';
export * from './pnl/booked-position';
export * from './pnl/daily';
export * from './pnl/equity-stats';
export * from './pnl/ratios';
export * from './pnl/trade-metrics';
