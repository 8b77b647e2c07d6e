// Settings a newcomer got past the checks that then crashed the bot at start, traded live on a
// replay, evaluated ETH on BTC candles, or let a short API_TOKEN be read off masked logs.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { Redactor } from '../driven/logging/redact';
import { diskProbe } from './load';
import { parseSettings, type Settings } from './settings';
import { SettingsError } from './settings-error';

const LIVE = { MODE: 'live', API_KEY: 'KNOWN-api-key-3f9c2a', API_SECRET: 'KNOWN-api-secret-77e1b0', API_TOKEN: 'a'.repeat(32) };
const CSV = 'timestamp,open,high,low,close,volume\n1670889600000,1,2,0.5,1.5,10\n1670889660000,1.5,2,1,1.2,3\n';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cab-settings-checks-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const parse = (env: Record<string, string>): Settings => parseSettings(env, { cwd: dir, readFile: (p) => fs.readFileSync(p, 'utf8'), files: diskProbe });
function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    parse(env);
  } catch (e) {
    expect(e).toBeInstanceOf(SettingsError);
    return (e as SettingsError).problems;
  }
  throw new Error('expected a SettingsError');
}
const write = (name: string, content: string | Buffer): string => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
};

describe('MODE=live needs the real market', () => {
  it('refuses the default replay and a synthetic market, listed with the other problems', () => {
    expect(problemsOf({ ...LIVE, DB_PATH: path.join(dir, 'bot.db') })).toEqual([
      'MODE=live trades on the venue and must decide on its market: set MARKET_DATA=exchange (got replay, the default)',
    ]);
    const problems = problemsOf({ ...LIVE, MARKET_DATA: 'synthetic', FIXED_AMOUNT: '-1', DB_PATH: path.join(dir, 'bot.db') });
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).toMatch(/FIXED_AMOUNT/);
    expect(problems.join('\n')).toMatch(/set MARKET_DATA=exchange \(got synthetic\)/);
  });

  it('accepts MARKET_DATA=exchange', () => {
    expect(parse({ ...LIVE, MARKET_DATA: 'exchange', DB_PATH: path.join(dir, 'bot.db') }).marketData.source).toBe('exchange');
  });
});

describe('API_TOKEN', () => {
  it('live: refused shorter than 32 characters, without showing it', () => {
    const problems = problemsOf({ ...LIVE, MARKET_DATA: 'exchange', API_TOKEN: 'rehearsal', DB_PATH: path.join(dir, 'bot.db') });
    expect(problems).toEqual(['API_TOKEN: MODE=live needs at least 32 characters (e.g. openssl rand -hex 32), got 9']);
    expect(parse({ ...LIVE, MARKET_DATA: 'exchange', API_TOKEN: 'f'.repeat(32), DB_PATH: path.join(dir, 'bot.db') }).http.apiToken?.reveal()).toHaveLength(32);
  });

  it('paper: any length; a short token is not masked inside other text (that would tell it), a long one is', () => {
    const r = new Redactor(['bot', 'data', 'KNOWN-token-5521']);
    expect(r.text('opened /srv/bot/data/crypto_ai_bot.db')).toBe('opened /srv/bot/data/crypto_ai_bot.db');
    expect(r.text('url http://x/?t=KNOWN-token-5521')).toBe('url http://x/?t=[REDACTED]');
    // Named like a secret: masked whatever it holds.
    expect(r.value({ apiToken: 'bot' })).toEqual({ apiToken: '[REDACTED]' });
    expect(parse({ API_TOKEN: 'bot' }).http.apiToken?.reveal()).toBe('bot');
  });
});

describe('replay files: one per symbol', () => {
  it('one symbol: REPLAY_FILE is its file; unset replays the bundled BTC/USDT sample', () => {
    const btc = write('btc.csv', CSV);
    expect(parse({ REPLAY_FILE: btc }).marketData.replayFiles).toEqual({ 'BTC/USDT': btc });
    expect(parse({ SYMBOL: 'ETH/USDT', REPLAY_FILE: btc }).marketData.replayFiles).toEqual({ 'ETH/USDT': btc });
    expect(parse({}).marketData.replayFiles).toEqual({});
  });

  it('several symbols: REPLAY_FILES gives each its own file', () => {
    const btc = write('btc.csv', CSV);
    const eth = write('eth.csv', CSV);
    const s = parse({ SYMBOLS: 'BTC/USDT,ETH/USDT', REPLAY_FILES: `btc/usdt=${btc}, ETH/USDT=${eth}` });
    expect(s.marketData.replayFiles).toEqual({ 'BTC/USDT': btc, 'ETH/USDT': eth });
  });

  it('refuses to evaluate a symbol on another symbol’s candles', () => {
    const btc = write('btc.csv', CSV);
    expect(problemsOf({ SYMBOLS: 'BTC/USDT,ETH/USDT' })).toEqual([
      'MARKET_DATA=replay has no candle file for ETH/USDT (the bundled sample is BTC/USDT only); set REPLAY_FILES=SYMBOL=path,…, or MARKET_DATA=synthetic',
    ]);
    expect(problemsOf({ SYMBOL: 'ETH/USDT' })).toEqual([
      'MARKET_DATA=replay has no candle file for ETH/USDT (the bundled sample is BTC/USDT only); set REPLAY_FILE, or MARKET_DATA=synthetic',
    ]);
    expect(problemsOf({ SYMBOLS: 'BTC/USDT,ETH/USDT', REPLAY_FILE: btc })).toEqual([
      'REPLAY_FILE holds the candles of one symbol, and BTC/USDT,ETH/USDT would all be evaluated on them; set REPLAY_FILES=BTC/USDT=<file>,ETH/USDT=<file> instead',
    ]);
    expect(problemsOf({ SYMBOLS: 'BTC/USDT,ETH/USDT,SOL/USDT', REPLAY_FILES: `BTC/USDT=${btc},XRP/USDT=${btc}` })).toEqual([
      'REPLAY_FILES: XRP/USDT is not traded (SYMBOLS=BTC/USDT,ETH/USDT,SOL/USDT)',
      'MARKET_DATA=replay has no candle file for ETH/USDT, SOL/USDT (the bundled sample is BTC/USDT only); set REPLAY_FILES=SYMBOL=path,…, or MARKET_DATA=synthetic',
    ]);
    expect(problemsOf({ REPLAY_FILES: 'BTC/USDT' })).toEqual([
      'REPLAY_FILES: expected SYMBOL=path pairs like BTC/USDT=./btc.csv,ETH/USDT=./eth.csv, got "BTC/USDT"',
    ]);
  });

  it('other markets do not need replay files', () => {
    expect(parse({ SYMBOLS: 'BTC/USDT,ETH/USDT', MARKET_DATA: 'synthetic' }).symbols).toEqual(['BTC/USDT', 'ETH/USDT']);
    expect(parse({ SYMBOLS: 'BTC/USDT,ETH/USDT', MARKET_DATA: 'exchange' }).symbols).toEqual(['BTC/USDT', 'ETH/USDT']);
  });
});

describe('files checked before start', () => {
  it('REPLAY_FILE missing, a folder, corrupt, or gzip that is not: a settings error naming the file', () => {
    expect(problemsOf({ REPLAY_FILE: 'nope.csv' })).toEqual([`REPLAY_FILE: ${path.join(dir, 'nope.csv')} does not exist`]);
    expect(problemsOf({ REPLAY_FILE: dir })).toEqual([`REPLAY_FILE: ${dir} is not a regular file`]);
    const bad = write('bad.csv', 'timestamp,open,high,low,close,volume\n1670889600000,1,2,0.5,1.5,10\n1670889600000,1,2,0.5,1.5,10\n');
    expect(problemsOf({ REPLAY_FILE: 'bad.csv' })).toEqual([
      `REPLAY_FILE: not a usable candle file: bad.csv:3: timestamps must be strictly ascending (1670889600000 after 1670889600000)`,
    ]);
    expect(problemsOf({ REPLAY_FILE: write('x.csv.gz', CSV) })).toEqual([
      `REPLAY_FILE: not a usable candle file: x.csv.gz:1: not a gzip file (the name ends in .gz)`,
    ]);
    expect(problemsOf({ SYMBOLS: 'BTC/USDT,ETH/USDT', REPLAY_FILES: `BTC/USDT=${write('empty.csv', '')},ETH/USDT=${bad}` })).toEqual([
      'REPLAY_FILES (BTC/USDT): not a usable candle file: empty.csv:1: expected the header "timestamp,open,high,low,close,volume", got ""',
      `REPLAY_FILES (ETH/USDT): not a usable candle file: bad.csv:3: timestamps must be strictly ascending (1670889600000 after 1670889600000)`,
    ]);
    expect(parse({ REPLAY_FILE: write('ok.csv.gz', gzipSync(CSV)) }).marketData.replayFile).toBe(path.join(dir, 'ok.csv.gz'));
    // Only the replay reads it.
    expect(parse({ REPLAY_FILE: 'nope.csv', MARKET_DATA: 'synthetic' }).marketData.source).toBe('synthetic');
  });

  it('DB_PATH a folder, or under a file: a settings error; a missing file or folder is created later', () => {
    expect(problemsOf({ DB_PATH: dir })).toEqual([`DB_PATH: ${dir} is a folder; name the database file inside it, e.g. ${path.join(dir, 'crypto_ai_bot.db')}`]);
    const file = write('plain.txt', 'x');
    expect(problemsOf({ DB_PATH: path.join(file, 'bot.db') })).toEqual([
      `DB_PATH: ${file} is a file, not a folder, so ${path.join(file, 'bot.db')} cannot be created there`,
    ]);
    expect(problemsOf({ DB_PATH: 'plain.txt/deeper/bot.db' })).toEqual([
      `DB_PATH: ${file} is a file, not a folder, so ${path.join(file, 'deeper/bot.db')} cannot be created there`,
    ]);
    expect(parse({ DB_PATH: 'data/new/bot.db' }).db.path).toBe('data/new/bot.db');
    expect(parse({ DB_PATH: file }).db.path).toBe(file);
  });

  it('without a probe (specs that compose in memory), parseSettings touches no file', () => {
    expect(parseSettings({ DB_PATH: dir, REPLAY_FILE: 'nope.csv' }, { cwd: dir, readFile: () => '' }).db.path).toBe(dir);
  });
});
