import type { Settings } from './settings';

/**
 * A flat, human-readable view of the settings for start-up banners and `--help`-style output.
 * Secrets print as "set" or "unset", never their value.
 */
export function settingsSummary(s: Settings): [string, string][] {
  const secret = (x: unknown) => (x === null ? 'unset' : 'set (***)');
  return [
    ['MODE', s.mode],
    ['EXCHANGE', s.exchange],
    ['SYMBOLS', s.symbols.join(',')],
    ['STRATEGY', s.strategy.name],
    ['STRATEGY_PARAMS', JSON.stringify(s.strategy.params)],
    ['STRATEGY_PATH', s.strategy.path ?? '(unset)'],
    ['FIXED_AMOUNT', s.trading.fixedAmount],
    ['FEE_PCT_ESTIMATE', s.trading.feePctEstimate],
    ['RISK_COOLDOWN_SEC', String(s.risk.cooldownSec)],
    ['RISK_MAX_SPREAD_PCT', s.risk.maxSpreadPct],
    ['RISK_MAX_POSITION_BASE', s.risk.maxPositionBase],
    ['RISK_MAX_ORDERS_PER_HOUR', String(s.risk.maxOrdersPerHour)],
    ['RISK_DAILY_LOSS_LIMIT_QUOTE', s.risk.dailyLossLimitQuote],
    ['RISK_MAX_FEE_PCT', s.risk.maxFeePct],
    ['RISK_MAX_SLIPPAGE_PCT', s.risk.maxSlippagePct],
    ['RISK_LOSS_STREAK_MAX', String(s.risk.lossStreakMax)],
    ['RISK_LOSS_STREAK_PAUSE_SEC', String(s.risk.lossStreakPauseSec)],
    ['RISK_MAX_DRAWDOWN_QUOTE', s.risk.maxDrawdownQuote],
    ['RISK_MAX_OPEN_POSITIONS', String(s.risk.maxOpenPositions)],
    ['RISK_MAX_TOTAL_EXPOSURE_QUOTE', s.risk.maxTotalExposureQuote],
    ['EXIT_STOP_PCT', s.exits.stopPct],
    ['EXIT_TRAIL_ACTIVATE_PCT', s.exits.trailActivatePct],
    ['EXIT_TRAIL_PCT', s.exits.trailPct],
    ['EXIT_TAKE_PROFIT_PCT', s.exits.takeProfitPct],
    ['IDEMPOTENCY_BUCKET_MS', String(s.idempotency.bucketMs)],
    ['IDEMPOTENCY_TTL_SEC', String(s.idempotency.ttlSec)],
    ['EVAL_INTERVAL_SEC', String(s.intervals.evalSec)],
    ['EXITS_INTERVAL_SEC', String(s.intervals.exitsSec)],
    ['RECONCILE_INTERVAL_SEC', String(s.intervals.reconcileSec)],
    ['WATCHDOG_INTERVAL_SEC', String(s.intervals.watchdogSec)],
    ['DMS_TIMEOUT_MS', String(s.dmsTimeoutMs)],
    ['DB_PATH', s.db.url ? '(unused: DB_URL is set)' : s.db.path],
    ['DB_URL', secret(s.db.url)],
    ['BOT_ID', s.botId],
    ['LOCK_DIR', s.lockDir ?? '(<tmpdir>/crypto-ai-bot-locks)'],
    ['HTTP_TIMEOUT_SEC', String(s.http.timeoutSec)],
    ['HOST', s.http.host],
    ['PORT', String(s.http.port)],
    ['WORKER_PORT', String(s.http.workerPort)],
    ['API_TOKEN', secret(s.http.apiToken)],
    ['API_KEY', secret(s.exchangeApi.key)],
    ['API_SECRET', secret(s.exchangeApi.secret)],
    ['EXCHANGE_API_URL', s.exchangeApi.url ?? '(exchange default)'],
    [
      'PAPER_BALANCE',
      Object.entries(s.paper.balances)
        .map(([c, a]) => `${c}=${a}`)
        .join(','),
    ],
    ['MARKET_DATA', s.marketData.source],
    ['REPLAY_FILE', s.marketData.replayFile ?? '(bundled sample)'],
    [
      'REPLAY_FILES',
      Object.entries(s.marketData.replayFiles)
        .map(([sym, f]) => `${sym}=${f}`)
        .join(',') || '(unset)',
    ],
    ['REPLAY_SPEED', String(s.marketData.replaySpeed)],
    ['REPLAY_LOOP', String(s.marketData.replayLoop)],
    ['AUTOSTART', String(s.autostart)],
    ['LOG_LEVEL', s.logLevel],
    ['TELEGRAM_BOT_TOKEN', secret(s.telegram.botToken)],
    ['TELEGRAM_BOT_SECRET', secret(s.telegram.botSecret)],
    ['TELEGRAM_CHAT_ID', s.telegram.chatId ?? 'unset'],
    ['TELEGRAM_COMMANDS', String(s.telegram.commands)],
  ];
}

export function formatSummary(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}

/** Every secret value the settings hold, for log redaction by value. */
export function secretValues(s: Settings): string[] {
  const values = [s.http.apiToken, s.exchangeApi.key, s.exchangeApi.secret, s.telegram.botToken, s.telegram.botSecret, s.db.url]
    .filter((x): x is NonNullable<typeof x> => x !== null)
    .map((x) => x.reveal());
  // A driver error may quote the password alone, without the URL around it.
  const password = passwordOf(s.db.url?.reveal() ?? null);
  return password ? [...values, password] : values;
}

function passwordOf(url: string | null): string | null {
  if (url === null) return null;
  try {
    const p = decodeURIComponent(new URL(url).password);
    return p.length > 0 ? p : null;
  } catch {
    return null;
  }
}
