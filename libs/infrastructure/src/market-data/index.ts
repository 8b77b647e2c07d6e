export * from './candle-csv';
export * from './replay-market-data';
export * from './synthetic-market-data';
export * from './exchange-market-data';
