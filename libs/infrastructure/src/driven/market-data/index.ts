export * from './candle-csv';
export * from './candle-download';
export * from './replay-market-data';
export * from './synthetic-market-data';
export * from './exchange-market-data';
export * from './candle-source';
export * from './candle-catalog';
export * from './candle-sync';
