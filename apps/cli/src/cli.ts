import yargs from 'yargs';
import {
  APP_VERSION,
  DEFAULT_BACKUPS_DIR,
  formatSummary,
  loadSettings,
  MAINTENANCE_ACTIONS,
  maintenanceCommand,
  MaintenanceError,
  monitorHealth,
  parseIsoDay,
  performanceCommand,
  probeHealth,
  reconcileCommand,
  secretValues,
  smokeCommand,
  createLogger,
  settingsSummary,
  SettingsError,
  systemClock,
  type CommandResult,
  type MaintenanceAction,
  BacktestArgsError,
  BacktestStrategyError,
  backtestCommand,
  DataArgsError,
  REPLAY_WARMUP_CANDLES,
  dataDownloadCommand,
  dataImportCommand,
  dataListCommand,
  dataMigrateSqliteCommand,
  dataSyncCommand,
  OBJECTIVES,
  optimizeCommand,
  OptimizeArgsError,
} from '@cab/infrastructure';
import { utcDayStart } from '@cab/domain';

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

/** Exit codes: 0 ok, 1 a check failed or a bug, 2 the user's input is wrong (arguments or settings). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** A mistake in the arguments: usage is printed, not a stack. */
class UsageError extends Error {}

/**
 * The `cab` command line. Each command's logic lives in @cab/infrastructure; this file only maps
 * arguments to it and its result to output and an exit code. Commands that never trade do not
 * load ccxt (GateVenue loads it lazily), so they start fast.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let code: number = EXIT.ok;
  const emit = (r: CommandResult): void => {
    if (r.stdout) io.stdout(r.stdout);
    if (r.stderr) io.stderr(r.stderr);
    code = r.code;
  };

  const parser = yargs([...argv])
    .scriptName('cab')
    .version(APP_VERSION)
    .usage('crypto-ai-bot command line\n\nUsage: cab <command> [options]')
    .command(
      'settings',
      'Validate the settings (ENV and .env) and print them, secrets masked',
      (y) => y.option('json', { type: 'boolean', default: false, describe: 'print JSON instead of a table' }),
      (args) => {
        const settings = loadSettings();
        io.stdout(args.json ? `${JSON.stringify(settings, null, 2)}\n` : `${formatSummary(settingsSummary(settings))}\n`);
      },
    )
    .command(
      'maintenance <action> [file]',
      'Database maintenance: backup | rotate --days N | vacuum | integrity | list | restore <file> | migrate | status (with DB_URL: on Postgres through pg_dump/pg_restore; vacuum is SQLite only)',
      (y) =>
        y
          .positional('action', { choices: MAINTENANCE_ACTIONS, describe: 'what to do' })
          .positional('file', { type: 'string', describe: 'restore: the backup file' })
          .option('days', { type: 'number', describe: 'rotate: delete backups older than N days' })
          .option('dir', { type: 'string', default: DEFAULT_BACKUPS_DIR, describe: 'backups folder' })
          .option('json', { type: 'boolean', default: false, describe: 'print JSON' })
          .check((a) => {
            if (a.days !== undefined && !(Number.isFinite(a.days) && a.days >= 0)) throw new UsageError('--days must be a number >= 0');
            if (a.action === 'rotate' && a.days === undefined) throw new UsageError('rotate needs --days N');
            if (a.action === 'restore' && !a.file) throw new UsageError('restore needs the backup file: cab maintenance restore <file>');
            return true;
          }),
      async (a) => {
        const settings = loadSettings();
        emit(
          await maintenanceCommand({
            action: a.action as MaintenanceAction,
            dbPath: settings.db.path,
            // Revealed only here, to connect: output and errors show it redacted.
            dbUrl: settings.db.url?.reveal() ?? null,
            botId: settings.botId,
            backupsDir: a.dir,
            clock: systemClock,
            json: a.json,
            ...(a.days !== undefined ? { days: a.days } : {}),
            ...(a.file ? { file: a.file } : {}),
          }),
        );
      },
    )
    .command(
      'health-monitor',
      'Check a running bot: --oneshot (exit 0 healthy, 1 unhealthy) or poll every --interval seconds until unhealthy',
      (y) =>
        y
          .option('url', { type: 'string', describe: 'the /health URL (default: http://HOST:PORT/health from the settings)' })
          .option('oneshot', { type: 'boolean', default: false, describe: 'probe once and exit' })
          .option('interval', { type: 'number', default: 30, describe: 'seconds between probes' })
          .option('count', { type: 'number', describe: 'stop after N healthy probes (default: run until unhealthy)' })
          .option('timeout', { type: 'number', default: 5, describe: 'seconds to wait for an answer' })
          .check((a) => {
            if (!(a.interval > 0) || !(a.timeout > 0)) throw new UsageError('--interval and --timeout must be > 0');
            if (a.count !== undefined && !(Number.isInteger(a.count) && a.count > 0)) throw new UsageError('--count must be a whole number > 0');
            if (a.url !== undefined && !/^https?:\/\/\S+$/.test(a.url)) throw new UsageError(`--url must be an http(s) URL, got ${JSON.stringify(a.url)}`);
            return true;
          }),
      async (a) => {
        const url = a.url ?? defaultHealthUrl();
        const timeoutMs = Math.round(a.timeout * 1000);
        if (a.oneshot) {
          const p = await probeHealth(url, timeoutMs);
          emit({ code: p.healthy ? EXIT.ok : EXIT.failed, stdout: `${url} ${p.line}\n` });
          return;
        }
        code = await monitorHealth({
          url,
          timeoutMs,
          intervalSec: a.interval,
          ...(a.count !== undefined ? { count: a.count } : {}),
          now: () => systemClock.now(),
          print: (line) => io.stdout(`${line}\n`),
        });
      },
    )
    .command(
      'performance',
      "The day's trades, fees, realized and unrealized PnL and win rate (UTC day; default today)",
      (y) =>
        y
          .option('date', { type: 'string', describe: 'the UTC day, YYYY-MM-DD' })
          .option('json', { type: 'boolean', default: false, describe: 'print JSON' })
          .check((a) => {
            if (a.date !== undefined && parseIsoDay(a.date) === null)
              throw new UsageError(`--date must be a real day as YYYY-MM-DD, got ${JSON.stringify(a.date)}`);
            return true;
          }),
      async (a) => {
        const settings = loadSettings();
        const day = a.date !== undefined ? parseIsoDay(a.date)! : utcDayStart(systemClock.now());
        emit(
          await performanceCommand({
            dbPath: settings.db.path,
            dbUrl: settings.db.url?.reveal() ?? null,
            botId: settings.botId,
            symbols: settings.symbols,
            day,
            clock: systemClock,
            json: a.json,
          }),
        );
      },
    )
    .command(
      'smoke',
      'One-shot health of the build: settings, migrations, database, broker, market data, one dry evaluation (never trades)',
      (y) => y.option('json', { type: 'boolean', default: false, describe: 'print JSON' }),
      async (a) => {
        emit(await smokeCommand({ logger: quietLogger(), json: a.json }));
      },
    )
    .command(
      'reconcile',
      'Load the books into the trading core and reconcile them with the venue once (orders, positions, balances); print what it found and settled',
      (y) => y.option('json', { type: 'boolean', default: false, describe: 'print JSON' }),
      async (a) => {
        const settings = loadSettings();
        emit(await reconcileCommand({ settings, logger: quietLogger(secretValues(settings)), json: a.json }));
      },
    )
    .command(
      'backtest',
      'Run the live pipeline over a candle file on virtual time; print a summary and write DIR/report.json and report.html',
      (y) =>
        y
          .option('data', {
            type: 'string',
            array: true,
            demandOption: true,
            describe:
              'candles: CSV (timestamp,open,high,low,close,volume; epoch ms or seconds) or freqtrade JSON, optionally .gz; or db:SYMBOL[@TIMEFRAME] for candles stored by cab data download/import. Several --data: one portfolio over their symbols on one clock',
          })
          .option('symbol', {
            type: 'string',
            array: true,
            describe: 'the symbol of each --data file, in order (default: SYMBOL for one file; for several, each file name: eth_usdt-1m.csv, ETH.csv.gz)',
          })
          .option('strategy', {
            type: 'string',
            describe:
              'ema_cross_rsi | mean_reversion | a plug-in: the file name in --strategy-path, or an npm package (default: STRATEGY, as paper and live trading)',
          })
          .option('strategy-list', {
            type: 'string',
            describe: 'run each of these strategies (comma-separated) on the same candles and print one comparison table; reports in --out/<strategy>/',
          })
          .option('strategy-path', { type: 'string', describe: 'folder of plug-in strategies, <name>.ts or <name>.js (default: STRATEGY_PATH)' })
          .option('params', {
            type: 'string',
            describe: 'strategy parameters as JSON, e.g. {"fastPeriod":9,"slowPeriod":21} (default: STRATEGY_PARAMS for STRATEGY\'s strategy)',
          })
          .option('from', {
            type: 'string',
            describe: 'first traded candle (date, ISO time or epoch ms); earlier candles are history the strategy sees but never trades on',
          })
          .option('to', { type: 'string', describe: 'end, exclusive (date, ISO time or epoch ms)' })
          .option('warmup', {
            type: 'number',
            describe: `without --from: the first N candles are history, not traded (default ${REPLAY_WARMUP_CANDLES}, as the paper replay); the report covers the traded candles only. With --from, the candles before it are the history`,
          })
          .option('out', { type: 'string', default: './reports/backtest', describe: 'folder for report.json and report.html' })
          .option('save', {
            type: 'boolean',
            default: false,
            describe:
              "also write the run's orders, fills and positions to DIR/backtest.db, a store like a bot's (DB_PATH=DIR/backtest.db cab performance --date DAY reads a day of it)",
          }),
      async (a) => {
        const settings = loadSettings();
        code = await backtestCommand(
          {
            data: a.data.map(String),
            ...(a.symbol !== undefined ? { symbol: a.symbol.map(String) } : {}),
            out: a.out,
            ...(a.strategyList !== undefined ? { strategyList: a.strategyList } : {}),
            ...(a.strategy !== undefined ? { strategy: a.strategy } : {}),
            ...(a.strategyPath !== undefined ? { strategyPath: a.strategyPath } : {}),
            ...(a.params !== undefined ? { params: a.params } : {}),
            ...(a.from !== undefined ? { from: a.from } : {}),
            ...(a.to !== undefined ? { to: a.to } : {}),
            ...(a.warmup !== undefined ? { warmup: a.warmup } : {}),
            ...(a.save ? { save: true } : {}),
          },
          settings,
          { stdout: io.stdout, stderr: io.stderr, isTty: process.stderr.isTTY === true },
        );
      },
    )
    .command(
      'optimize',
      'Search strategy parameters over backtests on every core (grid or random, walk-forward); write DIR/optimize.json and optimize.html',
      (y) =>
        y
          .option('data', {
            type: 'string',
            array: true,
            demandOption: true,
            describe: 'candle sources, one or more: FILE (of --symbol), SYMBOL=FILE, or db:SYMBOL[@TIMEFRAME] for candles stored by cab data download',
          })
          .option('strategy', {
            type: 'string',
            describe: 'ema_cross_rsi | mean_reversion | a plug-in: the file name in --strategy-path, or an npm package (default: STRATEGY)',
          })
          .option('strategy-path', { type: 'string', describe: 'folder of plug-in strategies, <name>.ts or <name>.js (default: STRATEGY_PATH)' })
          .option('space', {
            type: 'string',
            demandOption: true,
            describe: 'parameters to search as JSON or @file.json: {"fastPeriod":{"min":5,"max":15,"step":1},"rsiBuyMax":{"choices":[60,70]}}',
          })
          .option('method', { type: 'string', choices: ['grid', 'random'], default: 'grid', describe: 'every combination, or --trials random draws' })
          .option('trials', { type: 'number', describe: 'random: how many parameter sets to draw' })
          .option('objective', { type: 'string', choices: [...OBJECTIVES], default: 'sharpe', describe: 'what to maximise' })
          .option('walk-forward', {
            type: 'number',
            default: 0,
            describe: 'K folds: K+1 consecutive windows, each fold chosen on one and scored on the next (0 = in-sample only)',
          })
          .option('seed', { type: 'number', default: 1, describe: 'seed of the random draws' })
          .option('symbol', { type: 'string', describe: 'the symbol of plain FILE sources (default: SYMBOL)' })
          .option('threads', { type: 'number', describe: 'worker threads (default: one per core)' })
          .option('out', { type: 'string', default: './reports/optimize', describe: 'folder for optimize.json and optimize.html' }),
      async (a) => {
        const settings = loadSettings();
        code = await optimizeCommand(
          {
            data: a.data.map(String),
            space: a.space,
            method: a.method,
            objective: a.objective,
            walkForward: a['walk-forward'],
            seed: a.seed,
            out: a.out,
            ...(a.strategy !== undefined ? { strategy: a.strategy } : {}),
            ...(a.strategyPath !== undefined ? { strategyPath: a.strategyPath } : {}),
            ...(a.trials !== undefined ? { trials: a.trials } : {}),
            ...(a.symbol !== undefined ? { symbol: a.symbol } : {}),
            ...(a.threads !== undefined ? { threads: a.threads } : {}),
          },
          settings,
          systemClock,
          { stdout: io.stdout, stderr: io.stderr, isTty: process.stderr.isTTY === true },
        );
      },
    )
    .command(
      'data <action> [file]',
      "Candle data: import FILE (CSV or freqtrade JSON, .gz ok) | download --symbols A,B --days N (resumes; or --since DATE) | list | migrate-sqlite --from FILE (a bot's SQLite history into DB_URL under BOT_ID)",
      (y) =>
        y
          .positional('action', { choices: ['import', 'download', 'list', 'migrate-sqlite'] as const, describe: 'what to do' })
          .option('from', { type: 'string', describe: 'migrate-sqlite: the SQLite database file to copy from' })
          .option('source-bot', { type: 'string', describe: "migrate-sqlite: the bot id of the rows to copy from the file (default: 'default')" })
          .positional('file', { type: 'string', describe: 'import: the candle file' })
          .option('symbol', { type: 'string', describe: 'import, download --since: default SYMBOL' })
          .option('symbols', {
            type: 'string',
            describe: 'download: comma-separated pairs, e.g. BTC/USDT,ETH/USDT (stored; a re-run continues after the newest stored candle)',
          })
          .option('days', { type: 'number', describe: 'download: how many days back from now (with --symbols, or alone for SYMBOL)' })
          .option('timeframe', { type: 'string', describe: 'import: default from the file; download: default 1m' })
          .option('since', { type: 'string', describe: 'download: first candle (date, ISO time or epoch ms)' })
          .option('until', { type: 'string', describe: 'download --since: end, exclusive (default: now)' })
          .option('out', { type: 'string', describe: 'download --since: also write a CSV file' })
          .option('db', { type: 'boolean', default: true, describe: 'download --since: store in the database (--no-db to skip)' })
          .option('json', { type: 'boolean', default: false, describe: 'list: print JSON' })
          .check((a) => {
            if (a.action === 'import' && !a.file) throw new UsageError('import needs the candle file: cab data import <file>');
            if (a.action === 'migrate-sqlite' && !a.from) throw new UsageError('migrate-sqlite needs the SQLite file: cab data migrate-sqlite --from FILE');
            if (a.action === 'download' && !a.since && a.days === undefined) throw new UsageError('download needs --since DATE or --days N');
            const research = a.symbols !== undefined || a.days !== undefined;
            if (a.action === 'download' && research && (a.out !== undefined || a.until !== undefined || a.db === false))
              throw new UsageError('--out, --until and --no-db go with --since (a one-off download); --symbols/--days store into the database and resume');
            return true;
          }),
      async (a) => {
        const settings = loadSettings();
        if (a.action === 'list') {
          emit(await dataListCommand({ json: a.json }, settings, systemClock));
          return;
        }
        if (a.action === 'migrate-sqlite') {
          const sourceBot = a['source-bot'] as string | undefined;
          emit(
            await dataMigrateSqliteCommand({ from: a.from as string, json: a.json, ...(sourceBot !== undefined ? { sourceBot } : {}) }, settings, systemClock),
          );
          return;
        }
        if (a.action === 'import') {
          emit(
            await dataImportCommand(
              { file: a.file as string, ...(a.symbol ? { symbol: a.symbol } : {}), ...(a.timeframe ? { timeframe: a.timeframe } : {}) },
              settings,
              systemClock,
            ),
          );
          return;
        }
        if (a.symbols !== undefined || a.days !== undefined) {
          emit(
            await dataSyncCommand(
              {
                symbols: (a.symbols ?? a.symbol ?? settings.symbol).split(','),
                timeframe: a.timeframe ?? '1m',
                ...(a.days !== undefined ? { days: a.days } : {}),
                ...(a.since !== undefined ? { since: a.since } : {}),
              },
              settings,
              systemClock,
              (line) => io.stderr(`${line}\n`),
            ),
          );
          return;
        }
        emit(
          await dataDownloadCommand(
            {
              timeframe: a.timeframe ?? '1m',
              since: a.since as string,
              db: a.db,
              ...(a.symbol ? { symbol: a.symbol } : {}),
              ...(a.until ? { until: a.until } : {}),
              ...(a.out ? { out: a.out } : {}),
            },
            settings,
            systemClock,
            (line) => io.stderr(`${line}\n`),
          ),
        );
      },
    )
    .demandCommand(1, 'Name a command.')
    .strict()
    .help()
    .alias('h', 'help')
    .exitProcess(false)
    .fail((msg, err) => {
      // Throwing stops yargs before it runs a command handler with invalid arguments.
      throw err ?? new UsageError(msg);
    });

  try {
    let output = '';
    await parser.parseAsync([...argv], {}, (_err, _argv, out) => {
      output = out;
    });
    if (output) io.stdout(`${output}\n`);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`${await parser.getHelp()}\n\n${e.message}\n`);
      return EXIT.usage;
    }
    if (e instanceof SettingsError) {
      io.stderr(`cab: ${e.message}\n`);
      return EXIT.usage;
    }
    if (e instanceof BacktestArgsError || e instanceof DataArgsError || e instanceof OptimizeArgsError) {
      io.stderr(`cab: ${e.message}\n`);
      return EXIT.usage;
    }
    if (e instanceof BacktestStrategyError) {
      // The strategy's own bug: named with its candle, no stack; not a usage mistake.
      io.stderr(`cab: ${e.message}\n`);
      return EXIT.failed;
    }
    if (e instanceof MaintenanceError) {
      io.stderr(`cab: ${e.message}\n`);
      return e.code === 'MAINTENANCE.BAD_ARGUMENT' ? EXIT.usage : EXIT.failed;
    }
    throw e;
  }
  return code;
}

function defaultHealthUrl(): string {
  const { host, port } = loadSettings().http;
  const h = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${h}:${port}/health`;
}

/** Warnings and errors of the composed bot go to stderr as JSON; stdout stays the command's output. */
function quietLogger(secrets: readonly string[] = []) {
  return createLogger({ level: 'warn', stream: process.stderr, secrets, base: { app: 'cab' } });
}
