export * from './compose';
export * from './market-data-from-settings';
export * from './paper-market-from-market-data';
export * from './ccxt-countdown-switch';
