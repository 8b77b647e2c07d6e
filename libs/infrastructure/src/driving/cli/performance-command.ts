import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Clock } from '@cab/domain';
import { MaintenanceError } from '../../driven/storage/maintenance/errors';
import { openPostgresStorage } from '../../driven/storage/postgres-storage';
import { openSqliteStorage } from '../../driven/storage/sqlite-storage';
import type { Storage } from '../../driven/storage/storage';
import { performanceReport, type PerformanceReport } from '../reports/performance-report';
import { formatTable, json, ok, type CommandResult } from './table';

export interface PerformanceCommandInput {
  dbPath: string;
  symbols: readonly string[];
  /** Start of the UTC day to report. */
  day: number;
  clock: Clock;
  json?: boolean;
  /** The revealed DB_URL: report from that Postgres store (this BOT_ID's fills) instead of the file at dbPath. */
  dbUrl?: string | null;
  botId?: string;
}

/** `cab performance`: the day's trades, fees, realized and unrealized PnL and win rate, from the DB. */
export async function performanceCommand(i: PerformanceCommandInput): Promise<CommandResult> {
  let storage: Storage;
  if (i.dbUrl) {
    storage = await openPostgresStorage({ url: i.dbUrl, clock: i.clock, ...(i.botId ? { botId: i.botId } : {}) });
  } else {
    const dbPath = resolve(i.dbPath);
    // Opening would create an empty database: a typo in DB_PATH must say so instead.
    if (!existsSync(dbPath)) throw new MaintenanceError('MAINTENANCE.DB_NOT_FOUND', `no database at ${dbPath}`);
    storage = openSqliteStorage({ path: dbPath, clock: i.clock, ...(i.botId ? { botId: i.botId } : {}) });
  }
  let report: PerformanceReport;
  try {
    report = await performanceReport({ fills: storage.fills, symbols: i.symbols, day: i.day });
  } finally {
    await storage.close();
  }
  return i.json ? json(report) : ok(formatPerformance(report));
}

export function formatPerformance(r: PerformanceReport): string {
  const t = r.totals;
  const rate = t.winRate === null ? 'n/a (no closed trades)' : `${(Number(t.winRate) * 100).toFixed(1)} % (${t.wins} won, ${t.losses} lost)`;
  const table = formatTable(
    ['symbol', 'fills', 'buys', 'sells', 'volume', 'fees', 'realized', 'net', 'position', 'mark', 'unrealized'],
    r.symbols.map((s) => [
      s.symbol,
      String(s.fills),
      String(s.buys),
      String(s.sells),
      s.volumeQuote,
      s.feesQuote,
      s.realizedQuote,
      s.netQuote,
      s.positionBase,
      s.markPrice ?? '-',
      s.unrealizedQuote,
    ]),
  );
  const lines = [
    `Performance on ${r.date} (UTC); amounts in quote currency`,
    '',
    table,
    '',
    `trades (fills)   ${t.fills}`,
    `volume           ${t.volumeQuote}`,
    `fees             ${t.feesQuote}`,
    `realized PnL     ${t.realizedQuote}`,
    `net (− fees)     ${t.netQuote}`,
    `unrealized PnL   ${t.unrealizedQuote} (marked at the last fill price)`,
    `closed trades    ${t.closedTrades}`,
    `win rate         ${rate}`,
  ];
  if (r.warnings.length) lines.push('', 'warnings:', ...r.warnings.map((w) => `  ${w}`));
  return lines.join('\n');
}
