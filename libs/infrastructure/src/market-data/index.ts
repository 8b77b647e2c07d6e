export * from './candle-csv';
export * from './candle-download';
export * from './replay-market-data';
export * from './synthetic-market-data';
