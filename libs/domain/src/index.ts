// @cab/domain — the pure trading core. Everything public is exported here and nowhere else.
export * from './money/decimal';
export * from './time/clock';
export * from './market/types';
export * from './market/instrument';
export * from './orders/status';
export * from './indicators/index';
export * from './orders/transitions';
export * from './orders/idempotency';
export * from './pnl/position';
export * from './pnl/daily';
export * from './pnl/equity-stats';
