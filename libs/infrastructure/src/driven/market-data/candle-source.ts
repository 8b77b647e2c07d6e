import * as fs from 'node:fs';
import type { Candle, Clock } from '@cab/domain';
import { openSqliteStorage } from '../storage/sqlite-storage';
import { readCandleFile } from './candle-csv';
import { timeframeToMs } from './candle-download';

/** Where `--data` says candles come from: a file, or a series stored by `cab data download`/`import`. */
export type CandleSource = { kind: 'file'; symbol: string; file: string; label: string } | { kind: 'db'; symbol: string; timeframe: string; label: string };

/** A `--data` value that cannot be read: the caller turns it into a usage error (exit 2). */
export class CandleSourceError extends Error {
  override name = 'CandleSourceError';
}

/**
 * Reads a `--data` value: `db:SYMBOL` or `db:SYMBOL@TIMEFRAME` (default 1m) for the candle store,
 * `SYMBOL=FILE` for a file of that symbol, or a plain `FILE` of `defaultSymbol`.
 */
export function parseCandleSource(arg: string, defaultSymbol: string): CandleSource {
  if (arg.startsWith('db:')) {
    const [symbol = '', timeframe = '1m'] = arg.slice(3).split('@');
    if (!/^[A-Za-z0-9]+\/[A-Za-z0-9]+$/.test(symbol)) throw new CandleSourceError(`${arg}: expected db:BASE/QUOTE or db:BASE/QUOTE@1m`);
    try {
      timeframeToMs(timeframe);
    } catch (e) {
      throw new CandleSourceError(`${arg}: ${(e as Error).message}`);
    }
    return { kind: 'db', symbol: symbol.toUpperCase(), timeframe, label: arg };
  }
  const eq = /^([A-Za-z0-9]+\/[A-Za-z0-9]+)=(.+)$/.exec(arg);
  if (eq) return { kind: 'file', symbol: (eq[1] as string).toUpperCase(), file: eq[2] as string, label: arg };
  return { kind: 'file', symbol: defaultSymbol.toUpperCase(), file: arg, label: arg };
}

/** Bars read per query from the store (the repository's own ceiling is 1,000,000). */
const PAGE = 500_000;

/**
 * The candles of a source, ascending. The store is read page by page and never created: a missing
 * database file or an empty series is the user's mistake, said with what is there instead.
 */
export async function loadCandleSource(src: CandleSource, db: { path: string; exchange: string; clock: Clock }): Promise<Candle[]> {
  if (src.kind === 'file') {
    try {
      return readCandleFile(src.file);
    } catch (e) {
      throw new CandleSourceError(`${src.label}: ${(e as Error).message}`);
    }
  }
  if (db.path !== ':memory:' && !fs.existsSync(db.path))
    throw new CandleSourceError(`${src.label}: no database at ${db.path} (DB_PATH); store candles first with cab data download or cab data import`);
  const storage = openSqliteStorage({ path: db.path, clock: db.clock });
  try {
    const key = { exchange: db.exchange, symbol: src.symbol, timeframe: src.timeframe };
    const out: Candle[] = [];
    for (let from = Number.MIN_SAFE_INTEGER; ;) {
      const page = await storage.candles.range(key, from, Number.MAX_SAFE_INTEGER, PAGE);
      for (const c of page) out.push(c);
      const last = page[page.length - 1];
      if (page.length < PAGE || !last) break;
      from = last.ts + 1;
    }
    if (out.length === 0) throw new CandleSourceError(`${src.label}: no ${src.symbol} ${src.timeframe} candles in ${db.path}; see cab data list`);
    return out;
  } finally {
    await storage.close();
  }
}
