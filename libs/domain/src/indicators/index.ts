export * from './sma';
export * from './ema';
export * from './rsi';
export * from './atr';
export * from './macd';
export * from './bollinger';
