import * as path from 'node:path';
import { splitSymbol } from '@cab/domain';
import { BacktestArgsError } from './backtest-args-error';

/**
 * The symbol a candle file's name says: the name up to its first "-" or ".", with "_" between base
 * and quote — btc_usdt-1m-binance.csv.gz → BTC/USDT; a bare base (ETH.csv.gz) takes the quote of
 * `defaultSymbol` (SYMBOL). null when the name says nothing usable.
 */
export function symbolFromFileName(file: string, defaultSymbol: string): string | null {
  const stem = (path.basename(file).split(/[-.]/)[0] ?? '').toUpperCase();
  const parts = stem.split('_').filter(Boolean);
  if (parts.length === 0 || parts.length > 2 || parts.some((p) => !/^[A-Z0-9]+$/.test(p))) return null;
  const symbol = parts.length === 2 ? `${parts[0]}/${parts[1]}` : `${parts[0]}/${splitSymbol(defaultSymbol).quote}`;
  try {
    splitSymbol(symbol);
    return symbol;
  } catch {
    return null;
  }
}

/** The symbol of each --data file: --symbol, one per file in order; else SYMBOL for one file, or each file's name. */
export function symbolsOf(files: readonly string[], given: readonly string[], defaultSymbol: string): string[] {
  if (given.length > 0) {
    if (given.length !== files.length)
      throw new BacktestArgsError(
        `--symbol: give one per --data file, in the same order (${files.length} files, ${given.length} symbols), or none to read them from the file names`,
      );
    return given.map((s) => {
      const up = s.trim().toUpperCase();
      try {
        splitSymbol(up);
      } catch {
        throw new BacktestArgsError(`--symbol: expected a spot symbol like BTC/USDT, got ${JSON.stringify(s)}`);
      }
      return up;
    });
  }
  if (files.length === 1) return [defaultSymbol.toUpperCase()];
  return files.map((f) => {
    // db:SYMBOL[@TIMEFRAME] names its symbol (candle-source.ts checks it).
    if (f.startsWith('db:')) return (f.slice(3).split('@')[0] ?? '').toUpperCase();
    const s = symbolFromFileName(f, defaultSymbol);
    if (s === null)
      throw new BacktestArgsError(`--data: cannot tell the symbol of ${f} from its name (e.g. eth_usdt-1m.csv or ETH.csv.gz); give --symbol for each file`);
    return s;
  });
}
