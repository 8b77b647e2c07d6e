import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Clock } from '@cab/domain';
import { errorText } from '@cab/application';
import type { CcxtModule } from '../../driven/venue/gate/errors';
import { loadCcxt, makeGateClient } from '../../driven/venue/gate/gate-client';
import { findCandleGaps, listCandleSeries, type CandleGap } from '../../driven/market-data/candle-catalog';
import { downloadCandles, importCandles, timeframeToMs } from '../../driven/market-data/candle-download';
import { syncCandles } from '../../driven/market-data/candle-sync';
import { formatCandleCsv, inferTimeframeMs, readCandleFile } from '../../driven/market-data/candle-csv';
import type { Settings } from '../../settings';
import { migrateSqliteToPostgres } from '../../driven/storage/migrate-sqlite';
import { openStorageFromSettings } from '../../driven/storage/open-storage';
import { openPostgresStorage } from '../../driven/storage/postgres-storage';
import { redactPostgresUrl } from '../../driven/storage/postgres/pool';
import { formatTable, json, type CommandResult } from './table';

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
  const storage = await openStorageFromSettings(settings, clock);
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
    const storage = await openStorageFromSettings(settings, clock);
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

const isoMinute = (ts: number) => new Date(ts).toISOString().replace(':00.000Z', 'Z');

/** Gaps as one line: none, or how many, the candles missing and the first few ranges. */
function gapText(gaps: readonly CandleGap[]): string {
  if (gaps.length === 0) return 'none';
  const missing = gaps.reduce((n, g) => n + g.missing, 0);
  const shown = gaps.slice(0, 3).map((g) => `${isoMinute(g.from)} → ${isoMinute(g.to)} (${g.missing})`);
  return `${gaps.length} (${missing} candles missing): ${shown.join(', ')}${gaps.length > 3 ? ', …' : ''}`;
}

export interface DataSyncArgs {
  symbols: string[];
  timeframe: string;
  /** How far back from now (fractions allowed), or --since. */
  days?: number;
  since?: string;
}

/**
 * `cab data download --symbols A,B --days N`: brings each symbol's stored series up to date from N
 * days ago, through ccxt's public fetchOHLCV (EXCHANGE_API_URL points it at the emulator). Each page
 * is stored as it arrives, and a re-run starts after the newest stored candle: an interrupted
 * download continues where it stopped. Prints per symbol what was added, what is stored in the
 * range and its gaps. One symbol failing does not stop the others: a symbol the venue does not
 * list exits 2, a venue that failed exits 1 (re-run to continue).
 */
export async function dataSyncCommand(args: DataSyncArgs, settings: Settings, clock: Clock, progress: (line: string) => void): Promise<CommandResult> {
  let tf: number;
  try {
    tf = timeframeToMs(args.timeframe);
  } catch (e) {
    throw new DataArgsError(`--timeframe: ${(e as Error).message}`);
  }
  if (args.days !== undefined && args.since !== undefined) throw new DataArgsError('--days or --since, not both');
  if (args.days !== undefined && !(Number.isFinite(args.days) && args.days > 0))
    throw new DataArgsError(`--days: expected a number of days > 0, got ${args.days}`);
  const now = clock.now();
  const since = args.since !== undefined ? (parseWhen('since', args.since) as number) : now - (args.days ?? 0) * 86_400_000;
  if (args.days === undefined && args.since === undefined) throw new DataArgsError('download needs --since DATE or --days N');
  const symbols = [...new Set(args.symbols.map((s) => s.trim().toUpperCase()).filter((s) => s.length > 0))];
  const badName = symbols.filter((s) => !/^[A-Z0-9]+\/[A-Z0-9]+$/.test(s));
  if (symbols.length === 0 || badName.length > 0)
    throw new DataArgsError(`--symbols: expected BASE/QUOTE,BASE/QUOTE (e.g. BTC/USDT,ETH/USDT), got ${JSON.stringify(args.symbols.join(','))}`);
  const ccxt = await loadCcxt();
  const client = makeGateClient(ccxt, {
    apiKey: '',
    apiSecret: '',
    ...(settings.exchangeApi.url ? { apiUrl: settings.exchangeApi.url } : {}),
    timeoutMs: settings.http.timeoutSec * 1000,
    enableRateLimit: true,
  });
  const storage = await openStorageFromSettings(settings, clock);
  const out: string[] = [];
  const errors: string[] = [];
  let code = 0;
  try {
    for (const symbol of symbols) {
      const key = { exchange: settings.exchange, symbol, timeframe: args.timeframe };
      try {
        const r = await syncCandles(client, storage.candles, key, {
          since,
          now,
          retry: { attempts: DOWNLOAD_ATTEMPTS, delayMs: DOWNLOAD_RETRY_MS, retryable: (e) => e instanceof ccxt.NetworkError },
          onChunk: (n, lastTs) => progress(`${symbol}: ${n} candles, up to ${new Date(lastTs).toISOString()}`),
        });
        const from = Math.floor(since / tf) * tf;
        const stored = await storage.candles.range(key, from, now, 1_000_000);
        const gaps = await findCandleGaps(storage.db, key, { from, to: now });
        const first = stored[0];
        const last = stored[stored.length - 1];
        out.push(
          `${symbol} ${args.timeframe}: +${r.written} candles (${r.resumed ? `resumed after the stored ${isoMinute(r.startedAt - tf)}` : `from ${isoMinute(r.startedAt)}`}); ` +
            `stored ${stored.length}${first && last ? ` from ${isoMinute(first.ts)} to ${isoMinute(last.ts)}` : ''}; gaps: ${gapText(gaps)}`,
        );
      } catch (e) {
        let failure: CommandResult;
        try {
          failure = downloadFailure(e, ccxt, symbol, settings);
        } catch (mistake) {
          if (!(mistake instanceof DataArgsError)) throw mistake;
          failure = { code: 2, stdout: '', stderr: `cab: ${mistake.message}\n` };
        }
        code = Math.max(code, failure.code);
        errors.push(`${(failure.stderr ?? '').trimEnd()}${failure.code === 1 ? ` (${symbol}: what was stored is kept; re-run to continue)` : ''}`);
      }
    }
  } finally {
    await storage.close();
  }
  return { code, stdout: out.length ? `${out.join('\n')}\n` : '', ...(errors.length ? { stderr: `${errors.join('\n')}\n` } : {}) };
}

/** `cab data list`: every stored candle series — symbol, timeframe, first and last, count, gaps. */
export async function dataListCommand(args: { json: boolean }, settings: Settings, clock: Clock): Promise<CommandResult> {
  if (settings.db.url === null && settings.db.path !== ':memory:' && !fs.existsSync(settings.db.path))
    return { code: 0, stdout: `no database at ${settings.db.path} yet: nothing stored\n` };
  const storage = await openStorageFromSettings(settings, clock);
  try {
    const series = await listCandleSeries(storage.db);
    const where = settings.db.url === null ? settings.db.path : redactPostgresUrl(settings.db.url.reveal());
    if (args.json) return json({ db: where, series });
    if (series.length === 0) return { code: 0, stdout: `no candles stored in ${where}\n` };
    const rows = series.map((s) => [s.symbol, s.timeframe, s.exchange, isoMinute(s.first), isoMinute(s.last), String(s.count), gapText(s.gaps)]);
    return { code: 0, stdout: `${formatTable(['symbol', 'timeframe', 'exchange', 'first', 'last', 'count', 'gaps'], rows)}\n` };
  } finally {
    await storage.close();
  }
}

/**
 * `cab data migrate-sqlite --from FILE`: a bot's SQLite history (orders, fills, positions, keys,
 * halts, cursors, audit, dead letters, paper ledger, candles) into the Postgres store of DB_URL
 * under BOT_ID (docs/postgres.md). Re-running it adds only what is new.
 */
export async function dataMigrateSqliteCommand(
  args: { from: string; sourceBot?: string; json: boolean },
  settings: Settings,
  clock: Clock,
): Promise<CommandResult> {
  if (settings.db.url === null) throw new DataArgsError('migrate-sqlite copies into Postgres: set DB_URL=postgres://… (and BOT_ID) first');
  if (!fs.existsSync(args.from)) throw new DataArgsError(`--from: no SQLite database at ${path.resolve(args.from)}`);
  const url = settings.db.url.reveal();
  const storage = await openPostgresStorage({ url, botId: settings.botId, clock });
  try {
    const r = await migrateSqliteToPostgres(args.from, storage, args.sourceBot !== undefined ? { sourceBotId: args.sourceBot } : {});
    if (args.json) return json(r);
    const total = r.tables.reduce((n, t) => n + t.inserted, 0);
    const table = formatTable(
      ['table', 'read', 'copied', 'already there'],
      r.tables.map((t) => [t.table, String(t.read), String(t.inserted), String(t.read - t.inserted)]),
    );
    return { code: 0, stdout: `${r.from} → ${redactPostgresUrl(url)} as bot ${r.botId}: ${total} row(s) copied\n${table}\n` };
  } finally {
    await storage.close();
  }
}
