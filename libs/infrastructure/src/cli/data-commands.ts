import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Clock } from '@cab/domain';
import { errorText } from '@cab/application';
import type { CcxtModule } from '../brokers/ccxt/errors';
import { loadCcxt, makeGateClient } from '../brokers/ccxt/gate-client';
import { downloadCandles, importCandles, timeframeToMs } from '../market-data/candle-download';
import { formatCandleCsv, inferTimeframeMs, readCandleFile } from '../market-data/candle-csv';
import type { Settings } from '../settings';
import { openSqliteStorage } from '../storage/sqlite-storage';
import type { CommandResult } from './table';

/** A user's mistake in the arguments of `cab data …`: usage and exit 2, no stack. */
export class DataArgsError extends Error {
  override name = 'DataArgsError';
}

const MINUTE = 60_000;
const timeframeName = (ms: number) =>
  ms % 86_400_000 === 0 ? `${ms / 86_400_000}d` : ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : `${Math.round(ms / MINUTE)}m`;

export function parseWhen(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v);
  if (!Number.isFinite(n)) throw new DataArgsError(`--${name}: expected a date (2024-08-01, 2024-08-01T12:00:00Z) or epoch ms, got ${JSON.stringify(v)}`);
  return n;
}

/**
 * `cab data import FILE`: candles from a CSV or a freqtrade JSON file (either may be .gz) into the
 * bot's candle store, for warm-up after a restart and for the dashboard. Idempotent by open time.
 */
export async function dataImportCommand(args: { file: string; symbol?: string; timeframe?: string }, settings: Settings, clock: Clock): Promise<CommandResult> {
  let candles;
  try {
    candles = readCandleFile(args.file);
  } catch (e) {
    throw new DataArgsError(`${args.file}: ${(e as Error).message}`);
  }
  const timeframe = args.timeframe ?? timeframeName(inferTimeframeMs(candles));
  try {
    timeframeToMs(timeframe);
  } catch (e) {
    throw new DataArgsError(`--timeframe: ${(e as Error).message}`);
  }
  const symbol = (args.symbol ?? settings.symbol).toUpperCase();
  const storage = openSqliteStorage({ path: settings.db.path, clock });
  try {
    const written = await importCandles(storage.candles, { exchange: settings.exchange, symbol, timeframe }, candles);
    const first = candles[0]?.ts ?? 0;
    const last = candles[candles.length - 1]?.ts ?? 0;
    return {
      code: 0,
      stdout: `imported ${written} ${symbol} ${timeframe} candles (${new Date(first).toISOString()} → ${new Date(last).toISOString()}) from ${path.basename(args.file)} into ${settings.db.path}\n`,
    };
  } finally {
    await storage.close();
  }
}

/** Tries per page of `cab data download`, and the pause before the n-th retry (n × this). */
const DOWNLOAD_ATTEMPTS = 4;
const DOWNLOAD_RETRY_MS = 1_000;

/**
 * `cab data download`: closed candles through ccxt's public fetchOHLCV (EXCHANGE_API_URL points it
 * at the local emulator), page by page, into a CSV file (--out) and/or the candle store (--db).
 */
export async function dataDownloadCommand(
  args: { symbol?: string; timeframe: string; since: string; until?: string; out?: string; db: boolean },
  settings: Settings,
  clock: Clock,
  progress: (line: string) => void,
): Promise<CommandResult> {
  try {
    timeframeToMs(args.timeframe);
  } catch (e) {
    throw new DataArgsError(`--timeframe: ${(e as Error).message}`);
  }
  const since = parseWhen('since', args.since) as number;
  const until = parseWhen('until', args.until);
  if (until !== undefined && until <= since) throw new DataArgsError('--until must be after --since');
  if (!args.out && !args.db) throw new DataArgsError('nothing to do: give --out FILE.csv, or keep --db');
  const symbol = (args.symbol ?? settings.symbol).toUpperCase();
  const ccxt = await loadCcxt();
  const client = makeGateClient(ccxt, {
    apiKey: '',
    apiSecret: '',
    ...(settings.exchangeApi.url ? { apiUrl: settings.exchangeApi.url } : {}),
    timeoutMs: settings.http.timeoutSec * 1000,
    enableRateLimit: true,
  });
  let candles;
  try {
    candles = await downloadCandles(client, {
      symbol,
      timeframe: args.timeframe,
      since,
      ...(until !== undefined ? { until } : {}),
      now: clock.now(),
      onPage: (got, lastTs) => progress(`${got} candles, up to ${new Date(lastTs).toISOString()}`),
      // A 5xx, a timeout or a dropped connection (the market load included) is asked again.
      retry: { attempts: DOWNLOAD_ATTEMPTS, delayMs: DOWNLOAD_RETRY_MS, retryable: (e) => e instanceof ccxt.NetworkError },
    });
  } catch (e) {
    return downloadFailure(e, ccxt, symbol, settings);
  }
  const lines = [`downloaded ${candles.length} closed ${symbol} ${args.timeframe} candles`];
  if (args.out) {
    fs.mkdirSync(path.dirname(path.resolve(args.out)), { recursive: true });
    fs.writeFileSync(args.out, formatCandleCsv(candles));
    lines.push(`wrote ${args.out}`);
  }
  if (args.db && candles.length > 0) {
    const storage = openSqliteStorage({ path: settings.db.path, clock });
    try {
      await importCandles(storage.candles, { exchange: settings.exchange, symbol, timeframe: args.timeframe }, candles);
      lines.push(`stored in ${settings.db.path}`);
    } finally {
      await storage.close();
    }
  }
  return { code: 0, stdout: `${lines.join('\n')}\n` };
}

/**
 * What went wrong with a download, said to the operator without ccxt's stack: a symbol the venue
 * does not list is their mistake (exit 2); a venue that cannot be reached or answers with an error
 * is a failed run (exit 1), worth retrying.
 */
function downloadFailure(e: unknown, ccxt: CcxtModule, symbol: string, settings: Settings): CommandResult {
  const venue = settings.exchangeApi.url ?? 'Gate.io';
  const text = firstLine(errorText(e));
  if (e instanceof ccxt.BadSymbol || isNamed(e, 'BadSymbol')) throw new DataArgsError(`--symbol: ${venue} does not list ${symbol} as a spot market (${text})`);
  if (e instanceof ccxt.NetworkError || isNamed(e, 'NetworkError', 'RequestTimeout', 'ExchangeNotAvailable', 'DDoSProtection', 'RateLimitExceeded'))
    return { code: 1, stdout: '', stderr: `cab: cannot reach ${venue} (${text}); check the network or EXCHANGE_API_URL, then retry\n` };
  if (e instanceof ccxt.BaseError) return { code: 1, stdout: '', stderr: `cab: the download of ${symbol} failed: ${text}\n` };
  throw e;
}

function isNamed(e: unknown, ...names: string[]): boolean {
  const name = (e as { constructor?: { name?: string }; name?: string } | null)?.constructor?.name;
  return name !== undefined && names.includes(name);
}

/** ccxt messages can carry a whole response body: the first line, at most 300 characters. */
function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? text;
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
