import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inspect } from 'node:util';
import { loadSettings } from './load';
import { Secret } from './secret';
import { parseSettings, type Settings } from './settings';
import { SettingsError } from './settings-error';
import { formatSummary, secretValues, settingsSummary } from './summary';

const KEY = 'KNOWN-api-key-3f9c2a';
const SECRET = 'KNOWN-api-secret-77e1b0';
const TOKEN = 'KNOWN-bot-token-5521';
const LIVE_TOKEN = 'KNOWN-api-token-0c5e41d8a7b29f3e6d1c';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cab-settings-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const parse = (env: Record<string, string>): Settings => parseSettings(env, { cwd: dir, readFile: (p) => fs.readFileSync(p, 'utf8') });

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    parse(env);
  } catch (e) {
    expect(e).toBeInstanceOf(SettingsError);
    return (e as SettingsError).problems;
  }
  throw new Error('expected a SettingsError');
}

describe('defaults', () => {
  it("are the seed's", () => {
    const s = parse({});
    expect(s.mode).toBe('paper');
    expect(s.exchange).toBe('gateio');
    expect(s.symbol).toBe('BTC/USDT');
    expect(s.symbols).toEqual(['BTC/USDT']);
    expect(s.trading).toEqual({ fixedAmount: '25', feePctEstimate: '0.001' });
    expect(s.risk).toMatchObject({
      cooldownSec: 0,
      maxSpreadPct: '0.005',
      maxPositionBase: '0',
      maxOrdersPerHour: 10,
      dailyLossLimitQuote: '50',
      maxFeePct: '0.002',
      maxSlippagePct: '0.01',
    });
    expect(s.idempotency).toEqual({ bucketMs: 60000, ttlSec: 120 });
    // The seed's 3 s / 5 s are for live data; the default replay (×60) looks twice per candle.
    expect(s.intervals).toEqual({ evalSec: 0.5, exitsSec: 0.5, reconcileSec: 10, watchdogSec: 3 });
    expect(parse({ MARKET_DATA: 'exchange' }).intervals).toEqual({ evalSec: 3, exitsSec: 5, reconcileSec: 10, watchdogSec: 3 });
    expect(s.dmsTimeoutMs).toBe(120000);
    expect(s.db.path).toBe('./data/crypto_ai_bot.db');
    expect(s.http.timeoutSec).toBe(30);
    expect(s.logLevel).toBe('info');
    expect(s.http.apiToken).toBeNull();
    expect(s.telegram.botToken).toBeNull();
  });

  it('let a replay see every candle: evaluation and exits at half a replayed candle, unless set', () => {
    expect(parse({ REPLAY_SPEED: '600' }).intervals).toMatchObject({ evalSec: 0.05, exitsSec: 0.05 });
    expect(parse({ REPLAY_SPEED: '1' }).intervals).toMatchObject({ evalSec: 3, exitsSec: 5 });
    expect(parse({ MARKET_DATA: 'synthetic', REPLAY_SPEED: '10' }).intervals).toMatchObject({ evalSec: 3, exitsSec: 3 });
    expect(parse({ EVAL_INTERVAL_SEC: '3', EXITS_INTERVAL_SEC: '7' }).intervals).toMatchObject({ evalSec: 3, exitsSec: 7 });
  });

  it('are frozen', () => {
    const s = parse({});
    expect(Object.isFrozen(s)).toBe(true);
    expect(Object.isFrozen(s.risk)).toBe(true);
  });
});

describe('typed values', () => {
  it('parses every kind', () => {
    const s = parse({
      MODE: 'PAPER',
      SYMBOL: 'eth/usdt',
      SYMBOLS: 'BTC/USDT, ETH/USDT',
      MARKET_DATA: 'synthetic',
      FIXED_AMOUNT: '12.50',
      RISK_MAX_SPREAD_PCT: '0.01',
      RISK_MAX_ORDERS_PER_HOUR: '4',
      EVAL_INTERVAL_SEC: '0.5',
      LOG_LEVEL: 'DEBUG',
      AUTOSTART: 'false',
      PAPER_BALANCE: 'usdt=500,BTC=0.01',
      EXCHANGE_API_URL: 'http://127.0.0.1:8600/api/v4/',
    });
    expect(s.symbol).toBe('ETH/USDT');
    expect(s.symbols).toEqual(['BTC/USDT', 'ETH/USDT']);
    expect(s.trading.fixedAmount).toBe('12.5');
    expect(s.risk.maxSpreadPct).toBe('0.01');
    expect(s.risk.maxOrdersPerHour).toBe(4);
    expect(s.intervals.evalSec).toBe(0.5);
    expect(s.logLevel).toBe('debug');
    expect(s.autostart).toBe(false);
    expect(s.paper.balances).toEqual({ USDT: '500', BTC: '0.01' });
    expect(s.exchangeApi.url).toBe('http://127.0.0.1:8600/api/v4');
  });

  it('treats a blank value as unset', () => {
    expect(parse({ FIXED_AMOUNT: '  ' }).trading.fixedAmount).toBe('25');
  });
});

describe('validation', () => {
  it('DB_SYNCHRONOUS takes FULL or NORMAL, any case, and names the choices otherwise', () => {
    expect(parse({ DB_SYNCHRONOUS: 'normal' }).db.synchronous).toBe('NORMAL');
    expect(parse({}).db.synchronous).toBe('FULL');
    expect(problemsOf({ DB_SYNCHRONOUS: 'OFF' }).join('\n')).toMatch(/DB_SYNCHRONOUS.*FULL.*NORMAL/);
  });

  it('LOCK_DIR names the account locks’ folder; unset or blank leaves compose its <tmpdir> default', () => {
    expect(parse({ LOCK_DIR: '/var/lib/crypto-ai-bot/locks' }).lockDir).toBe('/var/lib/crypto-ai-bot/locks');
    expect(parse({}).lockDir).toBeNull();
    expect(parse({ LOCK_DIR: ' ' }).lockDir).toBeNull();
    expect(problemsOf({ LOCK_DIR: './locks' })).toEqual([
      'LOCK_DIR: expected an absolute path (every instance on the account must name the same folder), got "./locks"',
    ]);
  });

  it('DB_URL selects Postgres and is a secret; BOT_ID names the bot; both are checked with every other problem', () => {
    const s = parse({ DB_URL: 'postgres://cab:hunter2@db.internal:5432/cab', BOT_ID: 'btc-desk_1' });
    expect(s.db.url?.reveal()).toBe('postgres://cab:hunter2@db.internal:5432/cab');
    expect(s.botId).toBe('btc-desk_1');
    expect(parse({}).db.url).toBeNull();
    expect(parse({}).botId).toBe('default');
    expect(JSON.stringify(s)).not.toContain('hunter2');
    expect(formatSummary(settingsSummary(s))).not.toContain('hunter2');
    // The password alone is redacted too: a driver error may quote it without the URL.
    expect(secretValues(s)).toEqual(expect.arrayContaining(['postgres://cab:hunter2@db.internal:5432/cab', 'hunter2']));
    const problems = problemsOf({ DB_URL: 'mysql://root:hunter2@x/db', BOT_ID: 'Bad Name' });
    expect(problems).toEqual([
      'DB_URL: expected postgres://user:password@host:port/database (the value is not shown: it may hold a password)',
      'BOT_ID: expected 1–63 of a-z, 0-9, _ and - (starting with a letter or digit), got "Bad Name"',
    ]);
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it('ENGINE is gone: an old .env asking for the core still starts, one asking for the removed loops is refused', () => {
    expect(parse({})).not.toHaveProperty('engine');
    expect(parse({ ENGINE: 'Core' })).not.toHaveProperty('engine');
    expect(problemsOf({ ENGINE: 'loops', MODE: 'nope' })).toEqual([
      expect.stringMatching(/^MODE: /),
      'ENGINE: the "loops" pipeline was removed; the trading core is the only one (docs/core.md): delete ENGINE from the settings',
    ]);
  });

  it('STRATEGY picks a built-in and STRATEGY_PARAMS sets its parameters over the defaults', () => {
    expect(parse({}).strategy).toEqual({ name: 'ema_cross_rsi', params: {}, path: null });
    expect(parse({ STRATEGY: 'Mean_Reversion', STRATEGY_PARAMS: '{"bbPeriod":30}' }).strategy).toEqual({
      name: 'mean_reversion',
      params: { bbPeriod: 30 },
      path: null,
    });
    expect(problemsOf({ STRATEGY: 'macd_magic' }).join('\n')).toMatch(/STRATEGY: strategy "macd_magic": not a built-in \(ema_cross_rsi, mean_reversion\)/);
    expect(problemsOf({ STRATEGY_PARAMS: '{fastPeriod: 9}' })).toEqual([
      'STRATEGY_PARAMS: expected a JSON object like {"fastPeriod":9}, got "{fastPeriod: 9}" (not valid JSON)',
    ]);
    expect(problemsOf({ STRATEGY_PARAMS: '[9, 21]' }).join('\n')).toMatch(/STRATEGY_PARAMS: expected a JSON object/);
    expect(problemsOf({ STRATEGY_PARAMS: '{"fastPeriod":30,"slowPerod":21}' })).toEqual([
      'STRATEGY_PARAMS: slowPerod: not a parameter of ema_cross_rsi (STRATEGY=ema_cross_rsi)',
      'STRATEGY_PARAMS: fastPeriod (30) must be < slowPeriod (21) (STRATEGY=ema_cross_rsi)',
    ]);
    expect(problemsOf({ STRATEGY_PERIOD: '5' }).join('\n')).toMatch(/STRATEGY_PERIOD: unknown setting/);
  });

  it('STRATEGY_PATH loads a plug-in by its file name; a missing one or its parameters out of bounds are listed with every other problem', () => {
    const plugins = path.join(dir, 'plugins');
    fs.mkdirSync(plugins);
    fs.copyFileSync(path.resolve(__dirname, '../../../../examples/strategies/zscore_reversion.ts'), path.join(plugins, 'my_z.ts'));
    expect(parse({ STRATEGY: 'my_z', STRATEGY_PATH: './plugins', STRATEGY_PARAMS: '{"period":50}' }).strategy).toEqual({
      name: 'my_z',
      params: { period: 50 },
      path: plugins,
    });
    expect(problemsOf({ STRATEGY: 'my_y', STRATEGY_PATH: './plugins', FIXED_AMOUNT: '-1' })).toEqual([
      'FIXED_AMOUNT: expected a number greater than 0, got "-1"',
      `STRATEGY: strategy "my_y": not a built-in (ema_cross_rsi, mean_reversion); no my_y.ts or my_y.js in ${plugins}; no npm package my_y installed in ${dir}`,
    ]);
    expect(problemsOf({ STRATEGY: 'my_z', STRATEGY_PATH: plugins, STRATEGY_PARAMS: '{"period":2,"entryZ":9}' })).toEqual([
      'STRATEGY_PARAMS: period: must be an integer in [5, 1000], got 2 (STRATEGY=my_z)',
      'STRATEGY_PARAMS: entryZ: must be a number in [0.5, 5], got 9 (STRATEGY=my_z)',
    ]);
  });

  it('reports every problem at once, in the documented form', () => {
    const problems = problemsOf({
      MODE: 'demo',
      RISK_MAX_SPREAD_PCT: 'abc',
      RISK_MAX_FEE_PCT: '2',
      RISK_MAX_ORDERS_PER_HOUR: '1.5',
      EVAL_INTERVAL_SEC: '-1',
      FIXED_AMOUNT: '0',
      SYMBOL: 'BTCUSDT',
      LOG_LEVEL: 'loud',
      AUTOSTART: 'maybe',
      PORT: '70000',
      EXCHANGE_API_URL: 'ftp://x',
      PAPER_BALANCE: 'USDT:10',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'MODE: expected one of paper, live, got "demo"',
        'RISK_MAX_SPREAD_PCT: expected a number between 0 and 1, got "abc"',
        'RISK_MAX_FEE_PCT: expected a number between 0 and 1, got "2"',
        'RISK_MAX_ORDERS_PER_HOUR: expected an integer of at least 0, got "1.5"',
        'EVAL_INTERVAL_SEC: expected a number greater than 0, got "-1"',
        'FIXED_AMOUNT: expected a number greater than 0, got "0"',
        'SYMBOL: expected a spot symbol like BTC/USDT, got "BTCUSDT"',
        'LOG_LEVEL: expected one of ERROR, WARN, INFO, DEBUG, got "loud"',
        'AUTOSTART: expected true or false, got "maybe"',
        'PORT: expected an integer between 0 and 65535, got "70000"',
        'EXCHANGE_API_URL: expected an http(s) URL, got "ftp://x"',
        'PAPER_BALANCE: expected CURRENCY=AMOUNT pairs like USDT=10000,BTC=0, got "USDT:10"',
      ]),
    );
    expect(problems).toHaveLength(12);
  });

  it('the error message lists each problem on its own line', () => {
    expect(() => parse({ RISK_MAX_SPREAD_PCT: 'abc', IDEMPOTENCY_TTL_SEC: '0' })).toThrow(
      'invalid settings (2 problems):\n  - RISK_MAX_SPREAD_PCT: expected a number between 0 and 1, got "abc"\n  - IDEMPOTENCY_TTL_SEC: expected an integer of at least 1, got "0"',
    );
  });

  it("asks the domain about its own limits, in the settings' names", () => {
    expect(problemsOf({ EXIT_STOP_PCT: '1' })).toEqual([expect.stringMatching(/^EXIT_STOP_PCT: /)]);
    expect(problemsOf({ RISK_LOSS_STREAK_MAX: '3', RISK_LOSS_STREAK_PAUSE_SEC: '0' })).toEqual([
      expect.stringMatching(/^RISK_LOSS_STREAK_PAUSE_SEC: must be > 0/),
    ]);
    expect(problemsOf({ IDEMPOTENCY_BUCKET_MS: '10', IDEMPOTENCY_TTL_SEC: '120' })).toEqual([expect.stringMatching(/^IDEMPOTENCY_BUCKET_MS: /)]);
  });

  it('refuses an idempotency key that would expire inside its own bucket', () => {
    expect(problemsOf({ IDEMPOTENCY_BUCKET_MS: '3600000', IDEMPOTENCY_TTL_SEC: '120' })).toEqual([
      'IDEMPOTENCY_TTL_SEC: must cover a whole IDEMPOTENCY_BUCKET_MS (3600000 ms), got 120 s',
    ]);
  });

  it('catches a typo in a risk limit instead of silently trading without it', () => {
    expect(problemsOf({ RISK_MAX_SPRED_PCT: '0.01' })).toEqual(['RISK_MAX_SPRED_PCT: unknown setting (did you mean RISK_MAX_SPREAD_PCT?)']);
  });

  it('MODE=live without keys names every missing variable in one message', () => {
    const problems = problemsOf({ MODE: 'live', MARKET_DATA: 'exchange' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('API_KEY');
    expect(problems[0]).toContain('API_SECRET');
    expect(problems[0]).toMatch(/MODE=live/);
  });

  it('MODE=live with one key names only the other', () => {
    const problems = problemsOf({ MODE: 'live', MARKET_DATA: 'exchange', API_KEY: KEY });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('missing API_SECRET');
    expect(problems[0]).not.toContain(KEY);
  });
});

describe('secrets', () => {
  const write = (name: string, text: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };
  const b64 = (s: string) => Buffer.from(s).toString('base64');

  it('come from NAME', () => {
    const s = parse({ MODE: 'live', MARKET_DATA: 'exchange', API_KEY: KEY, API_SECRET: SECRET });
    expect(s.exchangeApi.key?.reveal()).toBe(KEY);
    expect(s.exchangeApi.secret?.reveal()).toBe(SECRET);
  });

  it('come from NAME_FILE (relative to the working folder, trailing newline trimmed)', () => {
    write('key.txt', `${KEY}\n`);
    const s = parse({ MODE: 'live', MARKET_DATA: 'exchange', API_KEY_FILE: 'key.txt', API_SECRET_FILE: write('secret.txt', SECRET) });
    expect(s.exchangeApi.key?.reveal()).toBe(KEY);
    expect(s.exchangeApi.secret?.reveal()).toBe(SECRET);
  });

  it('come from NAME_B64', () => {
    const s = parse({ MODE: 'live', MARKET_DATA: 'exchange', API_KEY_B64: b64(KEY), API_SECRET_B64: b64(SECRET), TELEGRAM_BOT_TOKEN_B64: b64(TOKEN) });
    expect(s.exchangeApi.key?.reveal()).toBe(KEY);
    expect(s.exchangeApi.secret?.reveal()).toBe(SECRET);
    expect(s.telegram.botToken?.reveal()).toBe(TOKEN);
  });

  it('come from SECRETS_FILE (JSON)', () => {
    const file = write('secrets.json', JSON.stringify({ API_KEY: KEY, api_secret: SECRET, TELEGRAM_BOT_TOKEN: TOKEN }));
    const s = parse({ MODE: 'live', MARKET_DATA: 'exchange', SECRETS_FILE: file });
    expect(s.exchangeApi.key?.reveal()).toBe(KEY);
    expect(s.exchangeApi.secret?.reveal()).toBe(SECRET);
    expect(s.telegram.botToken?.reveal()).toBe(TOKEN);
  });

  it('set in two places is an error', () => {
    const problems = problemsOf({ API_KEY: KEY, API_KEY_B64: b64(KEY) });
    expect(problems).toEqual(['API_KEY: set in more than one place (API_KEY, API_KEY_B64); keep exactly one']);
  });

  it('bad sources are reported without their content', () => {
    const bad = write('secrets.json', `{"API_KEY": "${KEY}", oops}`);
    const problems = problemsOf({ SECRETS_FILE: bad, API_SECRET_FILE: path.join(dir, 'missing.txt'), API_TOKEN_B64: '%%%' });
    expect([...problems].sort()).toEqual(
      [
        `SECRETS_FILE: ${bad} is not valid JSON`,
        `API_SECRET_FILE: cannot read ${path.join(dir, 'missing.txt')} (ENOENT)`,
        'API_TOKEN_B64: not valid base64',
      ].sort(),
    );
    expect(problems.join('\n')).not.toContain(KEY);
  });

  it('an unknown key in SECRETS_FILE is reported by name', () => {
    const file = write('s.json', JSON.stringify({ API_KYE: KEY }));
    expect(problemsOf({ SECRETS_FILE: file })[0]).toContain('unknown key(s) "API_KYE"');
  });

  it('are redacted in every string form of the settings', () => {
    const s = parse({ MODE: 'live', MARKET_DATA: 'exchange', API_KEY: KEY, API_SECRET: SECRET, API_TOKEN: LIVE_TOKEN, TELEGRAM_BOT_TOKEN: TOKEN });
    const forms = [
      JSON.stringify(s),
      inspect(s, { depth: null, showHidden: true }),
      `${s.exchangeApi.key}`,
      String(s.exchangeApi.secret),
      formatSummary(settingsSummary(s)),
      JSON.stringify(settingsSummary(s)),
      inspect(s.exchangeApi, { depth: null }),
      `${JSON.stringify({ nested: { s } })}`,
    ];
    for (const form of forms) {
      expect(form).not.toContain(KEY);
      expect(form).not.toContain(SECRET);
      expect(form).not.toContain(TOKEN);
      expect(form).not.toContain(LIVE_TOKEN);
    }
    expect(JSON.stringify(s.exchangeApi)).toContain('"key":"***"');
    expect(secretValues(s).sort()).toEqual([KEY, SECRET, LIVE_TOKEN, TOKEN].sort());
  });

  it('Secret masks console-style formatting too', () => {
    const secret = new Secret(KEY);
    expect(inspect({ secret })).toBe('{ secret: Secret(***) }');
    expect(`${secret}`).toBe('***');
  });
});

describe('loadSettings (process environment and .env)', () => {
  it('reads a .env file in the working folder; the environment wins over it', () => {
    fs.writeFileSync(path.join(dir, '.env'), 'SYMBOL=ETH/USDT\nMARKET_DATA=synthetic\nFIXED_AMOUNT=10\n# comment\nRISK_MAX_SPREAD_PCT="0.003"\n');
    const s = loadSettings({ cwd: dir, env: { FIXED_AMOUNT: '30' } });
    expect(s.symbol).toBe('ETH/USDT');
    expect(s.trading.fixedAmount).toBe('30');
    expect(s.risk.maxSpreadPct).toBe('0.003');
  });

  it('ENV_FILE names another file, and a missing one is an error', () => {
    fs.writeFileSync(path.join(dir, 'prod.env'), 'SYMBOL=ETH/USDT\nMARKET_DATA=synthetic\n');
    expect(loadSettings({ cwd: dir, env: { ENV_FILE: 'prod.env' } }).symbol).toBe('ETH/USDT');
    expect(() => loadSettings({ cwd: dir, env: { ENV_FILE: 'nope.env' } })).toThrow(/ENV_FILE: cannot read/);
  });

  it('works with no .env at all', () => {
    expect(loadSettings({ cwd: dir, env: {} }).mode).toBe('paper');
  });
});

describe('.env.example', () => {
  const example = path.resolve(__dirname, '../../../../.env.example');

  it('is a valid .env that yields the defaults', () => {
    const s = loadSettings({ cwd: dir, env: { ENV_FILE: example } });
    expect(JSON.stringify(s)).toBe(JSON.stringify(parse({})));
  });

  it('documents every setting', () => {
    const text = fs.readFileSync(example, 'utf8');
    const missing = settingsSummary(parse({}))
      .map(([name]) => name)
      .filter((name) => !new RegExp(`^#? ?${name}=`, 'm').test(text));
    expect(missing).toEqual([]);
  });
});

describe('TELEGRAM_COMMANDS', () => {
  it('is off by default, and on with a token and a numeric chat id (a group id is negative)', () => {
    expect(parse({}).telegram.commands).toBe(false);
    const s = parse({ TELEGRAM_COMMANDS: 'true', TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_CHAT_ID: '-1001234567890' });
    expect(s.telegram).toMatchObject({ commands: true, chatId: '-1001234567890' });
    expect(parse({ TELEGRAM_COMMANDS: 'yes', TELEGRAM_BOT_TOKEN_B64: Buffer.from(TOKEN).toString('base64'), TELEGRAM_CHAT_ID: '42' }).telegram.commands).toBe(
      true,
    );
  });

  it('lists every problem at once: no token, no chat id, a chat that is not a number, with the other settings’ problems', () => {
    expect(problemsOf({ TELEGRAM_COMMANDS: 'true', PORT: 'x' })).toEqual([
      'PORT: expected an integer between 0 and 65535, got "x"',
      "TELEGRAM_COMMANDS=true needs TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID (the bot's token and the one chat it answers in)",
    ]);
    expect(problemsOf({ TELEGRAM_COMMANDS: 'true', TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_CHAT_ID: '@my_channel' })).toEqual([
      'TELEGRAM_CHAT_ID: TELEGRAM_COMMANDS=true answers only in a chat named by its numeric id (e.g. -1001234567890), got "@my_channel"',
    ]);
    expect(problemsOf({ TELEGRAM_COMMANDS: 'maybe' })).toEqual(['TELEGRAM_COMMANDS: expected true or false, got "maybe"']);
    // Alerts alone may still name a channel.
    expect(parse({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_CHAT_ID: '@my_channel' }).telegram.commands).toBe(false);
  });
});
