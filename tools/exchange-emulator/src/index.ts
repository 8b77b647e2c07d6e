// tools/exchange-emulator — a Gate.io v4 spot emulator on loopback for tests, demos and rehearsals.
export { startEmulator, type Emulator, type EmulatorOptions, type LoggedRequest } from './server';
export type { Fault } from './faults';
export { FaultQueue } from './faults';
export { gateSignature } from './auth';
export { DEFAULT_PAIRS, type PairSpec } from './engine/markets';
export { parseCandleCsv, readCandleCsv, type CsvCandle } from './engine/candles';
export type { BookShape } from './engine/price-feed';
export { parseFlags, type EmulatorFlags } from './flags';

import { join } from 'node:path';
/** The bundled one-day BTC/USDT 1-minute candle file (see test-data/README.md). */
export const SAMPLE_CANDLES = join(__dirname, '..', 'test-data', 'btc_usdt-1m-bybit-2022-12-13.csv');
