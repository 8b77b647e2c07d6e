import { strategyFromSettings } from '../../driven/strategies/strategy-from-settings';
import { describeForeignOrders, errorText, foreignOpenOrders, type Logger } from '@cab/application';
import { compose, type BotApp, type ComposeOverrides } from '../compose/compose';
import { loadSettings } from '../../settings/load';
import type { Settings } from '../../settings/settings';
import { locateMigrationsDir } from '../../driven/storage/migrations/files';
import { postgresMigrationStatusAt } from '../../driven/storage/migrations/postgres-runner';
import { migrationStatusAt } from '../../driven/storage/migrations/status-at';
import { formatTable, type CommandResult } from './table';

export type SmokeStatus = 'ok' | 'warn' | 'FAIL';

export interface SmokeRow {
  check: string;
  status: SmokeStatus;
  detail: string;
}

export interface SmokeInput {
  /** Default: loadSettings() (ENV and .env). */
  settings?: () => Settings;
  logger: Logger;
  overrides?: ComposeOverrides;
  json?: boolean;
}

/**
 * `cab smoke`: one-shot health of the build, as a table — settings, migrations, database, broker
 * reachable (balances), market data, and one DRY evaluation per symbol (the strategy on the
 * current candles; nothing is sent). It never trades, so it takes no instance lock and can run
 * beside a live bot. Exit 0 when nothing failed, else 1.
 */
export async function smokeCommand(input: SmokeInput): Promise<CommandResult> {
  const rows: SmokeRow[] = [];
  const add = (check: string, status: SmokeStatus, detail: string): void => void rows.push({ check, status, detail });

  let settings: Settings | null = null;
  try {
    settings = (input.settings ?? (() => loadSettings()))();
    add('settings', 'ok', `${settings.mode}, ${settings.symbols.join(',')}, market data ${settings.marketData.source}`);
  } catch (e) {
    add('settings', 'FAIL', errorText(e).split('\n').join('; '));
  }

  let app: BotApp | null = null;
  if (settings) {
    try {
      const m =
        settings.db.url === null ? migrationStatusAt(settings.db.path, locateMigrationsDir()) : await postgresMigrationStatusAt(settings.db.url.reveal());
      if (m.problems.length > 0) add('migrations', 'FAIL', m.problems.map((p) => `${p.code}: ${p.message}`).join('; '));
      else add('migrations', 'ok', `${m.applied.length} applied, ${m.pending.length} pending${m.pending.length ? ' (applied at start)' : ''}`);
    } catch (e) {
      add('migrations', 'FAIL', errorText(e));
    }
    try {
      app = await compose(settings, { logger: input.logger, instanceLock: null, ...input.overrides });
      add('compose', 'ok', `${settings.mode === 'live' ? 'ccxt (gate) broker' : 'paper broker'} over ${app.marketData.name} market data`);
    } catch (e) {
      add('compose', 'FAIL', errorText(e));
    }
  }

  if (app && settings) {
    try {
      // Cold, the first broker and market-data calls load ccxt and the venue's markets, which may
      // take longer than a health check's timeout: reach both once first (bounded by the HTTP
      // timeout and the retry policy), so the checks below measure the venue, not the cold start.
      await warmUp(app, settings.symbol);
      const report = await app.health.health();
      for (const c of report.components.filter((x) => ['db', 'broker', 'market_data'].includes(x.name))) {
        add(c.name === 'db' ? 'database' : c.name.replace('_', ' '), c.status === 'ok' ? 'ok' : c.critical ? 'FAIL' : 'warn', c.detail ?? c.status);
      }
      for (const symbol of settings.symbols) {
        const bal = await app.broker.fetchBalance(symbol);
        if (bal.ok)
          add(`balance ${symbol}`, 'ok', `${bal.value.freeBase.toString()} ${bal.value.base} free, ${bal.value.freeQuote.toString()} ${bal.value.quote} free`);
        else
          add(
            `balance ${symbol}`,
            'FAIL',
            `${bal.error.kind}${'code' in bal.error ? ` ${bal.error.code}` : ''}${'message' in bal.error ? `: ${bal.error.message}` : ''}`,
          );
        if (settings.mode === 'live') {
          // The dead man's switch cancels every open order on the pair: warn about the owner's.
          const foreign = await foreignOpenOrders(app.broker, app.storage.orders, symbol);
          if (!foreign.ok) add(`account orders ${symbol}`, 'warn', `could not list open orders: ${foreign.error.code}`);
          else if (foreign.value.length > 0) add(`account orders ${symbol}`, 'warn', describeForeignOrders(symbol, foreign.value));
          else add(`account orders ${symbol}`, 'ok', 'no open order the bot did not send');
        }
      }
      const strategy = strategyFromSettings(settings.strategy);
      if (!strategy.ok) add('dry evaluation', 'FAIL', strategy.error.join('; '));
      else {
        for (const symbol of settings.symbols) {
          const candles = await app.marketData.candles(symbol, strategy.value.warmup);
          if (!candles.ok) {
            add(`dry evaluation ${symbol}`, 'FAIL', `no candles: ${errorText(candles.error)}`);
            continue;
          }
          // A fresh instance warmed up on the same window the pipeline's first evaluation uses.
          const running = strategy.value.create();
          for (const c of candles.value) running.update(c);
          const signal = running.signal({ symbol, timeframeMs: app.marketData.timeframeMs(symbol), now: app.clock.now() });
          const short = candles.value.length < strategy.value.warmup;
          add(
            `dry evaluation ${symbol}`,
            short ? 'warn' : 'ok',
            `${strategy.value.name}: ${signal.action} on ${candles.value.length} candles${signal.reasons[0] ? ` (${signal.reasons[0]})` : ''}`,
          );
        }
      }
    } catch (e) {
      add('checks', 'FAIL', errorText(e));
    } finally {
      await app.close();
    }
  }

  const failed = rows.some((r) => r.status === 'FAIL');
  const code = failed ? 1 : 0;
  if (input.json) return { code, stdout: `${JSON.stringify({ ok: !failed, checks: rows }, null, 2)}\n` };
  const table = formatTable(
    ['check', 'status', 'detail'],
    rows.map((r) => [r.check, r.status, r.detail]),
  );
  return { code, stdout: `${table}\n\n${failed ? 'SMOKE FAILED' : 'smoke ok'}\n` };
}

/** One untimed call each to the broker and the market data; failures are left to the checks. */
async function warmUp(app: BotApp, symbol: string): Promise<void> {
  await Promise.all([app.broker.fetchTicker(symbol), app.marketData.candles(symbol, 1)]);
}
