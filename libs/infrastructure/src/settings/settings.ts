import {
  EXIT_SETTING_NAMES,
  ORDERS_SETTING_NAMES,
  RISK_SETTING_NAMES,
  STRATEGY_NAMES,
  splitSymbol,
  validateExitConfig,
  validateOrdersConfig,
  validateRiskConfig,
  type Validated,
} from '@cab/domain';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { loadStrategy } from '../driven/strategies/load-strategy';
import { EnvReader, type Env } from './env-reader';
import { candleFileProblem, dbPathProblems } from './file-checks';
import type { FileProbe } from './file-probe';
import { SecretResolver, type ReadFile } from './secrets';
import type { Secret } from './secret';
import { SettingsError } from './settings-error';

export type Mode = 'paper' | 'live';
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export type MarketDataSource = 'exchange' | 'replay' | 'synthetic';

/**
 * The whole configuration, typed and validated. Money and fractions of money are decimal strings
 * (exact; turn them into Decimals with `dec()`), durations are numbers. Secrets are `Secret`s:
 * printing, logging or JSON-encoding a Settings object never shows them.
 */
export interface Settings {
  readonly mode: Mode;
  /** Exchange id as the seed names it; "gateio" maps to ccxt's `gate`. */
  readonly exchange: 'gateio';
  /** The default symbol; `symbols` is the full list the orchestrator trades (SYMBOLS, else [SYMBOL]). */
  readonly symbol: string;
  readonly symbols: readonly string[];
  /**
   * STRATEGY (a built-in: ema_cross_rsi, mean_reversion; or a plug-in's file name in STRATEGY_PATH,
   * or an installed npm package) and STRATEGY_PARAMS (a JSON object over its defaults), loaded and
   * checked here: the bot never starts with a strategy it cannot build (docs/strategies.md).
   * `path` is STRATEGY_PATH made absolute, null when unset.
   */
  readonly strategy: { readonly name: string; readonly params: Readonly<Record<string, unknown>>; readonly path: string | null };
  readonly trading: {
    /** Quote amount of each entry, e.g. "25" USDT. */
    readonly fixedAmount: string;
    /** Fee rate assumed before the exchange tells us, as a fraction ("0.001" = 0.1 %). */
    readonly feePctEstimate: string;
  };
  readonly risk: {
    readonly cooldownSec: number;
    readonly maxSpreadPct: string;
    /** Max position in base; "0" = off. */
    readonly maxPositionBase: string;
    readonly maxOrdersPerHour: number;
    readonly dailyLossLimitQuote: string;
    readonly maxFeePct: string;
    readonly maxSlippagePct: string;
    /** Losing trades in a row that pause entries; 0 = off. */
    readonly lossStreakMax: number;
    readonly lossStreakPauseSec: number;
    /** Max drawdown of equity from its peak, in quote; "0" = off. */
    readonly maxDrawdownQuote: string;
    /** Positions open at once across SYMBOLS (0 = off). */
    readonly maxOpenPositions: number;
    /** Quote in open positions across SYMBOLS, at their average entry (0 = off). */
    readonly maxTotalExposureQuote: string;
  };
  readonly exits: {
    /** Hard stop, fraction below entry ("0.02" = 2 %); "0" = off. */
    readonly stopPct: string;
    /** Trailing stop arms after this gain over entry; "0" = arms at once. */
    readonly trailActivatePct: string;
    /** Trailing distance below the peak; "0" = no trailing stop. */
    readonly trailPct: string;
    /** Take-profit above entry; "0" = off. */
    readonly takeProfitPct: string;
  };
  readonly idempotency: { readonly bucketMs: number; readonly ttlSec: number };
  readonly intervals: {
    readonly evalSec: number;
    readonly exitsSec: number;
    readonly reconcileSec: number;
    readonly watchdogSec: number;
  };
  readonly dmsTimeoutMs: number;
  /**
   * DB_SYNCHRONOUS: FULL (default) fsyncs every commit — a recorded order survives a power cut;
   * NORMAL survives any crash of the bot (kill -9 included) but may lose the last commits if the
   * machine itself loses power, and cuts the time from signal to order by about the fsync.
   */
  readonly db: {
    readonly path: string;
    readonly synchronous: 'FULL' | 'NORMAL';
    /**
     * DB_URL (postgres://user:password@host:port/db, or DB_URL_FILE / DB_URL_B64): the bot's store
     * is this Postgres database instead of the SQLite file at DB_PATH (docs/postgres.md). A Secret:
     * it carries the password.
     */
    readonly url: Secret | null;
  };
  /**
   * BOT_ID: this bot's name in a shared database. Every row it writes carries it and every read is
   * scoped to it, so bots on one Postgres never see each other's orders, positions, keys or halts;
   * the instance lock is keyed by it. Default `default` (one bot per SQLite file needs no name).
   */
  readonly botId: string;
  /**
   * LOCK_DIR: where live instances take their account lock (a second instance on the same account
   * refuses to start). Every instance that trades the account must see the same folder; null =
   * <tmpdir>/crypto-ai-bot-locks, which systemd's PrivateTmp or separate containers give each
   * service its own copy of, and then two instances on one account cannot see each other.
   */
  readonly lockDir: string | null;
  readonly http: {
    readonly timeoutSec: number;
    readonly host: string;
    readonly port: number;
    readonly workerPort: number;
    /** Bearer token for the control endpoints; null = open (refused in live mode by the server). */
    readonly apiToken: Secret | null;
  };
  readonly exchangeApi: {
    readonly key: Secret | null;
    readonly secret: Secret | null;
    /** Base URL override, e.g. http://127.0.0.1:8600/api/v4 for the local emulator. */
    readonly url: string | null;
  };
  readonly paper: {
    /** Starting balances of the simulated account, e.g. { USDT: "10000" }. */
    readonly balances: Readonly<Record<string, string>>;
  };
  readonly marketData: {
    readonly source: MarketDataSource;
    /** REPLAY_FILE as set: the candle file of the one symbol traded; null = unset. */
    readonly replayFile: string | null;
    /**
     * The candle file of each replayed symbol (REPLAY_FILE for a single symbol, REPLAY_FILES
     * "SYMBOL=path,…" for several); a symbol absent here replays the bundled sample, which is
     * BTC/USDT only (settings refuse any other symbol without a file).
     */
    readonly replayFiles: Readonly<Record<string, string>>;
    readonly replaySpeed: number;
    /** Start the replay over at its end (default) or stop there: the market then goes stale and the bot holds. */
    readonly replayLoop: boolean;
  };
  readonly autostart: boolean;
  readonly logLevel: LogLevel;
  readonly telegram: {
    readonly botToken: Secret | null;
    readonly botSecret: Secret | null;
    readonly chatId: string | null;
    readonly apiUrl: string;
    /**
     * TELEGRAM_COMMANDS: answer commands (/status, /profit, /stop, /forceexit …) in TELEGRAM_CHAT_ID
     * by long polling; needs the token and a numeric chat id (the chat a message comes from is a number).
     */
    readonly commands: boolean;
  };
}

export interface LoadOptions {
  /** Folder that relative paths (DB_PATH, *_FILE) are resolved against. */
  cwd: string;
  readFile: ReadFile;
  /**
   * Checks DB_PATH and the replay's candle files on disk when given (loadSettings gives the real
   * file system), so a file that cannot be used is a settings error, not a crash at start.
   */
  files?: FileProbe;
}

/** Symbol of the bundled sample (see libs/infrastructure/assets/candles/README.md). */
export const BUNDLED_REPLAY_SYMBOL = 'BTC/USDT';

/**
 * A live API_TOKEN guards the orders of real money over HTTP: at least as long as
 * `openssl rand -hex 16` gives. A shorter one is also too short to be masked in logs by value.
 */
export const MIN_LIVE_API_TOKEN_LENGTH = 32;

/** Prefixes we own: a variable with one of them that we do not know is a typo, and an error. */
const OWN_PREFIXES = ['RISK_', 'EXIT_', 'IDEMPOTENCY_', 'PAPER_', 'TELEGRAM_', 'REPLAY_', 'DMS_', 'API_', 'STRATEGY_'];

const LOG_LEVELS: Record<string, LogLevel> = {
  error: 'error',
  critical: 'error',
  warn: 'warn',
  warning: 'warn',
  info: 'info',
  debug: 'debug',
  trace: 'debug',
};

/**
 * Validates `env` into Settings, or throws SettingsError listing every problem at once.
 * Pure apart from `readFile` (for *_FILE and SECRETS_FILE), which is injected.
 */
export function parseSettings(env: Env, opts: LoadOptions): Settings {
  const r = new EnvReader(env);
  const secrets = new SecretResolver(r, opts.cwd, opts.readFile);

  const mode = r.oneOf<Mode>('MODE', ['paper', 'live'], 'paper', { caseInsensitive: true });
  const marketSource = r.oneOf<MarketDataSource>('MARKET_DATA', ['exchange', 'replay', 'synthetic'], 'replay', { caseInsensitive: true });
  // 60: a person watching `npm start` sees trades within minutes (one 1-minute candle a second).
  const replaySpeed = r.number('REPLAY_SPEED', 60, { gt: 0 });
  // A cross lives for one candle, and a replay shows a 1-minute candle every 60 / REPLAY_SPEED s:
  // unless told otherwise, the evaluation and exit loops look at least twice per replayed candle
  // (3 s and 5 s would skip two candles in three at speed 60). Live data keeps 3 s and 5 s.
  const halfReplayCandleSec = marketSource !== 'exchange' && Number.isFinite(replaySpeed) && replaySpeed > 0 ? 30 / replaySpeed : Number.POSITIVE_INFINITY;
  const exchange = r.oneOf('EXCHANGE', ['gateio'] as const, 'gateio', { caseInsensitive: true });
  const symbol = r.string('SYMBOL', 'BTC/USDT').toUpperCase();
  const symbols = r.list('SYMBOLS', [symbol]).map((s) => s.toUpperCase());
  const named = r.has('SYMBOLS') ? symbols.map((s) => ['SYMBOLS', s] as const) : [['SYMBOL', symbol] as const];
  for (const [name, s] of named) {
    try {
      splitSymbol(s);
    } catch {
      r.problem(`${name}: expected a spot symbol like BTC/USDT, got ${JSON.stringify(s)}`);
    }
  }
  if (symbols.length === 0) r.problem('SYMBOLS: expected at least one symbol, e.g. BTC/USDT,ETH/USDT');

  const replayFiles = replayFilesOf(r, [...new Set(symbols)], marketSource === 'replay');

  const fraction = { min: 0, max: 1 };
  const settings: Settings = {
    mode,
    exchange,
    symbol,
    symbols: [...new Set(symbols)],
    strategy: { name: strategyName(r), params: parseJsonObject(r, 'STRATEGY_PARAMS'), path: strategyPath(r, opts.cwd) },
    trading: {
      fixedAmount: r.decimal('FIXED_AMOUNT', '25', { gt: 0 }),
      feePctEstimate: r.decimal('FEE_PCT_ESTIMATE', '0.001', fraction),
    },
    risk: {
      cooldownSec: r.int('RISK_COOLDOWN_SEC', 0, { min: 0 }),
      maxSpreadPct: r.decimal('RISK_MAX_SPREAD_PCT', '0.005', fraction),
      maxPositionBase: r.decimal('RISK_MAX_POSITION_BASE', '0', { min: 0 }),
      maxOrdersPerHour: r.int('RISK_MAX_ORDERS_PER_HOUR', 10, { min: 0 }),
      dailyLossLimitQuote: r.decimal('RISK_DAILY_LOSS_LIMIT_QUOTE', '50', { min: 0 }),
      maxFeePct: r.decimal('RISK_MAX_FEE_PCT', '0.002', fraction),
      maxSlippagePct: r.decimal('RISK_MAX_SLIPPAGE_PCT', '0.01', fraction),
      lossStreakMax: r.int('RISK_LOSS_STREAK_MAX', 3, { min: 0 }),
      lossStreakPauseSec: r.int('RISK_LOSS_STREAK_PAUSE_SEC', 3600, { min: 0 }),
      maxDrawdownQuote: r.decimal('RISK_MAX_DRAWDOWN_QUOTE', '0', { min: 0 }),
      maxOpenPositions: r.int('RISK_MAX_OPEN_POSITIONS', 0, { min: 0 }),
      maxTotalExposureQuote: r.decimal('RISK_MAX_TOTAL_EXPOSURE_QUOTE', '0', { min: 0 }),
    },
    exits: {
      stopPct: r.decimal('EXIT_STOP_PCT', '0.02', fraction),
      trailActivatePct: r.decimal('EXIT_TRAIL_ACTIVATE_PCT', '0.01', { min: 0 }),
      trailPct: r.decimal('EXIT_TRAIL_PCT', '0.005', fraction),
      takeProfitPct: r.decimal('EXIT_TAKE_PROFIT_PCT', '0', { min: 0 }),
    },
    idempotency: {
      bucketMs: r.int('IDEMPOTENCY_BUCKET_MS', 60_000, { min: 1 }),
      ttlSec: r.int('IDEMPOTENCY_TTL_SEC', 120, { min: 1 }),
    },
    intervals: {
      evalSec: r.number('EVAL_INTERVAL_SEC', Math.min(3, halfReplayCandleSec), { gt: 0 }),
      exitsSec: r.number('EXITS_INTERVAL_SEC', Math.min(5, halfReplayCandleSec), { gt: 0 }),
      reconcileSec: r.number('RECONCILE_INTERVAL_SEC', 10, { gt: 0 }),
      watchdogSec: r.number('WATCHDOG_INTERVAL_SEC', 3, { gt: 0 }),
    },
    dmsTimeoutMs: r.int('DMS_TIMEOUT_MS', 120_000, { min: 5_000 }),
    db: {
      path: r.string('DB_PATH', './data/crypto_ai_bot.db'),
      synchronous: r.oneOf('DB_SYNCHRONOUS', ['FULL', 'NORMAL'] as const, 'FULL', { caseInsensitive: true }),
      url: dbUrlOf(r, secrets.get('DB_URL')),
    },
    botId: botIdOf(r),
    lockDir: lockDirOf(r),
    http: {
      timeoutSec: r.number('HTTP_TIMEOUT_SEC', 30, { gt: 0 }),
      host: r.string('HOST', '127.0.0.1'),
      port: r.int('PORT', 8000, { min: 0, max: 65535 }),
      workerPort: r.int('WORKER_PORT', 8001, { min: 0, max: 65535 }),
      apiToken: secrets.get('API_TOKEN'),
    },
    exchangeApi: {
      key: secrets.get('API_KEY'),
      secret: secrets.get('API_SECRET'),
      url: r.url('EXCHANGE_API_URL'),
    },
    paper: { balances: parseBalances(r, 'PAPER_BALANCE', 'USDT=10000') },
    marketData: {
      source: marketSource,
      replayFile: r.optionalString('REPLAY_FILE'),
      replayFiles,
      replaySpeed,
      replayLoop: r.bool('REPLAY_LOOP', true),
    },
    autostart: r.bool('AUTOSTART', true),
    logLevel: parseLogLevel(r),
    telegram: {
      botToken: secrets.get('TELEGRAM_BOT_TOKEN'),
      botSecret: secrets.get('TELEGRAM_BOT_SECRET'),
      chatId: r.optionalString('TELEGRAM_CHAT_ID'),
      apiUrl: r.url('TELEGRAM_API_URL') ?? 'https://api.telegram.org',
      commands: r.bool('TELEGRAM_COMMANDS', false),
    },
  };
  telegramCommandProblems(r, settings.telegram);

  // The domain owns the meaning of its limits (ranges, combinations); ask it, in the settings'
  // names, so a value the risk manager or the exit policy would refuse never gets this far.
  if (r.problems.length === 0) {
    const domainProblems = (v: Validated<unknown>, names: Readonly<Record<string, string>>) =>
      v.ok ? [] : v.error.map((p) => p.replace(/^(\w+):/, (_, field: string) => `${names[field] ?? field}:`));
    for (const p of [
      ...domainProblems(validateRiskConfig(settings.risk), RISK_SETTING_NAMES),
      ...domainProblems(validateExitConfig(settings.exits), EXIT_SETTING_NAMES),
      ...domainProblems(validateOrdersConfig({ idempotencyBucketMs: settings.idempotency.bucketMs }), ORDERS_SETTING_NAMES),
    ])
      r.problem(p);
    // A key that expires inside its own bucket can be reserved again in that bucket: a second order.
    if (settings.idempotency.ttlSec * 1000 < settings.idempotency.bucketMs)
      r.problem(`IDEMPOTENCY_TTL_SEC: must cover a whole IDEMPOTENCY_BUCKET_MS (${settings.idempotency.bucketMs} ms), got ${settings.idempotency.ttlSec} s`);
  }

  // Always, with every other problem: a missing plug-in or a parameter out of bounds is listed at once.
  for (const p of strategyProblems(settings.strategy, opts.cwd)) r.problem(p);

  if (opts.files) {
    // With DB_URL the SQLite file is not used: its folder need not exist.
    if (settings.db.url === null) for (const p of dbPathProblems(settings.db.path, opts.cwd, opts.files)) r.problem(p);
    if (marketSource === 'replay')
      for (const [symbol, file] of Object.entries(replayFiles)) {
        const variable = r.has('REPLAY_FILES') ? `REPLAY_FILES (${symbol})` : 'REPLAY_FILE';
        const p = candleFileProblem(variable, file, opts.cwd, opts.files);
        if (p !== null) r.problem(p);
      }
  }

  if (mode === 'live') {
    // Signals from a recorded file while orders go to the real venue: the bot would buy and sell
    // real coins on a market that is not the one it trades.
    if (marketSource !== 'exchange')
      r.problem(
        `MODE=live trades on the venue and must decide on its market: set MARKET_DATA=exchange (got ${marketSource}${r.has('MARKET_DATA') ? '' : ', the default'})`,
      );
    const token = settings.http.apiToken?.reveal();
    if (token !== undefined && token.length < MIN_LIVE_API_TOKEN_LENGTH)
      r.problem(`API_TOKEN: MODE=live needs at least ${MIN_LIVE_API_TOKEN_LENGTH} characters (e.g. openssl rand -hex 32), got ${token.length}`);
    const missing: string[] = [];
    if (settings.exchangeApi.key === null && !r.has('API_KEY_FILE') && !r.has('API_KEY_B64')) missing.push('API_KEY');
    if (settings.exchangeApi.secret === null && !r.has('API_SECRET_FILE') && !r.has('API_SECRET_B64')) missing.push('API_SECRET');
    if (missing.length > 0)
      r.problem(
        `MODE=live needs exchange keys; missing ${missing.join(' and ')} (set ${missing
          .map((m) => `${m}, ${m}_FILE or ${m}_B64`)
          .join('; ')}, or put them in SECRETS_FILE)`,
      );
  }

  removedEngine(r);

  for (const name of r.present(OWN_PREFIXES)) {
    if (r.known.has(name)) continue;
    const hint = nearest(name, [...r.known]);
    r.problem(`${name}: unknown setting${hint ? ` (did you mean ${hint}?)` : ''}`);
  }

  if (r.problems.length > 0) throw new SettingsError(r.problems);
  return deepFreeze(settings);
}

/**
 * ENGINE chose between the loop pipeline and the trading core until the loops were removed
 * (docs/core.md). An old .env saying `core` asks for what runs: accepted, nothing to do. Any other
 * value asked for a pipeline that no longer exists: a problem, so the bot never trades on
 * something other than what its operator chose without saying so.
 */
function removedEngine(r: EnvReader): void {
  const v = r.raw('ENGINE');
  if (v === undefined || v.trim().toLowerCase() === 'core') return;
  r.problem(`ENGINE: the ${JSON.stringify(v)} pipeline was removed; the trading core is the only one (docs/core.md): delete ENGINE from the settings`);
}

function parseLogLevel(r: EnvReader): LogLevel {
  const v = r.raw('LOG_LEVEL');
  if (v === undefined) return 'info';
  const level = LOG_LEVELS[v.toLowerCase()];
  if (level === undefined) {
    r.problem(`LOG_LEVEL: expected one of ERROR, WARN, INFO, DEBUG, got ${JSON.stringify(v)}`);
    return 'info';
  }
  return level;
}

/** A JSON object setting, {} when unset; anything else is a problem. */
function parseJsonObject(r: EnvReader, name: string): Record<string, unknown> {
  const text = r.raw(name);
  if (text === undefined || text.trim() === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    r.problem(`${name}: expected a JSON object like {"fastPeriod":9}, got ${JSON.stringify(text)} (not valid JSON)`);
    return {};
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    r.problem(`${name}: expected a JSON object like {"fastPeriod":9}, got ${JSON.stringify(text)}`);
    return {};
  }
  return v as Record<string, unknown>;
}

/** A built-in's name in any case (as before plug-ins), else the plug-in's name as written (file names are case-sensitive). */
function strategyName(r: EnvReader): string {
  const v = (r.raw('STRATEGY') ?? 'ema_cross_rsi').trim();
  return STRATEGY_NAMES.find((n) => n === v.toLowerCase()) ?? v;
}

function strategyPath(r: EnvReader, cwd: string): string | null {
  const v = r.optionalString('STRATEGY_PATH')?.trim();
  return v ? resolvePath(cwd, v) : null;
}

/**
 * The strategy loaded as the bot will load it (a plug-in file is read and compiled here) and its
 * own checks (unknown or out-of-range parameters), named after the settings.
 */
function strategyProblems(strategy: Settings['strategy'], cwd: string): string[] {
  const built = loadStrategy(strategy.name, { params: { ...strategy.params }, cwd, ...(strategy.path ? { strategyPath: strategy.path } : {}) });
  if (built.ok) return [];
  const loadFailed = built.error.length === 1 && built.error[0]!.startsWith('strategy ');
  return loadFailed ? [`STRATEGY: ${built.error[0]!}`] : built.error.map((p) => `STRATEGY_PARAMS: ${p} (STRATEGY=${strategy.name})`);
}

/** "USDT=10000,BTC=0.5" → { USDT: "10000", BTC: "0.5" }. */
function parseBalances(r: EnvReader, name: string, def: string): Record<string, string> {
  const text = r.raw(name) ?? def;
  const out: Record<string, string> = {};
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([A-Za-z0-9]+)\s*=\s*([0-9]+(\.[0-9]+)?)$/.exec(part);
    if (!m || !m[1] || !m[2]) {
      r.problem(`${name}: expected CURRENCY=AMOUNT pairs like USDT=10000,BTC=0, got ${JSON.stringify(part)}`);
      continue;
    }
    out[m[1].toUpperCase()] = m[2];
  }
  return out;
}

function nearest(name: string, candidates: string[]): string | null {
  let best: string | null = null;
  let bestDistance = 4;
  for (const c of candidates) {
    const d = levenshtein(name, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] ?? 0;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j] ?? 0;
      prev[j] = Math.min((prev[j] ?? 0) + 1, (prev[j - 1] ?? 0) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length] ?? 0;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o) && Object.getPrototypeOf(o) === Object.prototype) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  } else if (Array.isArray(o)) {
    for (const v of o) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/**
 * Which candle file each symbol replays. REPLAY_FILE is one symbol's file: with several symbols
 * each needs its own (REPLAY_FILES), or every symbol would be evaluated on the same candles. The
 * bundled sample is BTC/USDT's. Only checked when the replay is the market (`check`).
 */
function replayFilesOf(r: EnvReader, symbols: readonly string[], check: boolean): Record<string, string> {
  const single = r.optionalString('REPLAY_FILE');
  const listed = r.raw('REPLAY_FILES');
  const out: Record<string, string> = {};
  if (listed !== undefined) {
    if (single !== null && check) r.problem('REPLAY_FILE and REPLAY_FILES are both set; keep REPLAY_FILES (one file per symbol)');
    for (const part of listed
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)) {
      const m = /^([^=\s]+)\s*=\s*(.+)$/.exec(part);
      if (!m || !m[1] || !m[2]) {
        r.problem(`REPLAY_FILES: expected SYMBOL=path pairs like BTC/USDT=./btc.csv,ETH/USDT=./eth.csv, got ${JSON.stringify(part)}`);
        continue;
      }
      const symbol = m[1].toUpperCase();
      if (!symbols.includes(symbol)) r.problem(`REPLAY_FILES: ${symbol} is not traded (SYMBOLS=${symbols.join(',')})`);
      else out[symbol] = m[2].trim();
    }
  } else if (single !== null) {
    if (symbols.length > 1) {
      if (check)
        r.problem(
          `REPLAY_FILE holds the candles of one symbol, and ${symbols.join(',')} would all be evaluated on them; set REPLAY_FILES=${symbols.map((x) => `${x}=<file>`).join(',')} instead`,
        );
    } else if (symbols[0] !== undefined) out[symbols[0]] = single;
  }
  if (!check) return out;
  const without = symbols.filter((x) => out[x] === undefined && x !== BUNDLED_REPLAY_SYMBOL && isSpotSymbol(x));
  if (without.length > 0 && !(single !== null && symbols.length > 1 && listed === undefined))
    r.problem(
      `MARKET_DATA=replay has no candle file for ${without.join(', ')} (the bundled sample is ${BUNDLED_REPLAY_SYMBOL} only); set ${symbols.length > 1 ? 'REPLAY_FILES=SYMBOL=path,…' : 'REPLAY_FILE'}, or MARKET_DATA=synthetic`,
    );
  return out;
}

/** A symbol splitSymbol accepts; the others are reported as such, not as lacking a replay file. */
function isSpotSymbol(symbol: string): boolean {
  try {
    splitSymbol(symbol);
    return true;
  } catch {
    return false;
  }
}

/**
 * Commands are answered only in TELEGRAM_CHAT_ID, compared with the id of the chat a message comes
 * from, which is a number: an @channel name would silently answer nobody.
 */
function telegramCommandProblems(r: EnvReader, t: Settings['telegram']): void {
  if (!t.commands) return;
  const missing = [
    t.botToken === null && !r.has('TELEGRAM_BOT_TOKEN_FILE') && !r.has('TELEGRAM_BOT_TOKEN_B64') ? 'TELEGRAM_BOT_TOKEN' : null,
    t.chatId === null ? 'TELEGRAM_CHAT_ID' : null,
  ].filter((x): x is string => x !== null);
  if (missing.length > 0) r.problem(`TELEGRAM_COMMANDS=true needs ${missing.join(' and ')} (the bot's token and the one chat it answers in)`);
  if (t.chatId !== null && !/^-?\d+$/.test(t.chatId))
    r.problem(`TELEGRAM_CHAT_ID: TELEGRAM_COMMANDS=true answers only in a chat named by its numeric id (e.g. -1001234567890), got ${JSON.stringify(t.chatId)}`);
}

/** DB_URL names a Postgres server; anything else is a typo that would otherwise surface only at connect time. */
function dbUrlOf(r: EnvReader, url: Secret | null): Secret | null {
  if (url === null) return null;
  let parsed: URL | null;
  try {
    parsed = new URL(url.reveal());
  } catch {
    parsed = null;
  }
  // The value itself is never echoed: it carries the password.
  if (parsed === null || (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') || parsed.hostname === '')
    r.problem('DB_URL: expected postgres://user:password@host:port/database (the value is not shown: it may hold a password)');
  return url;
}

const BOT_ID_RE = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** BOT_ID goes into every row, the lock key and metric labels: a short lower-case name. */
function botIdOf(r: EnvReader): string {
  const id = r.string('BOT_ID', 'default');
  if (!BOT_ID_RE.test(id)) r.problem(`BOT_ID: expected 1–63 of a-z, 0-9, _ and - (starting with a letter or digit), got ${JSON.stringify(id)}`);
  return id;
}

/** LOCK_DIR is shared by instances that may start from different folders: a relative path would name a different folder for each. */
function lockDirOf(r: EnvReader): string | null {
  const dir = r.optionalString('LOCK_DIR');
  if (dir !== null && !isAbsolute(dir))
    r.problem(`LOCK_DIR: expected an absolute path (every instance on the account must name the same folder), got ${JSON.stringify(dir)}`);
  return dir;
}
