// Runs the BUILT command line (dist/apps/cli/main.cjs) as a child process, as a user would.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const bin = path.join(root, 'dist/apps/cli/main.cjs');
const KEY = 'KNOWN-key-d41d8cd98f00';
const SECRET = 'KNOWN-secret-e3b0c44298fc';

let cwd: string;
beforeEach(() => {
  cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'cab-cli-'));
});
afterEach(() => fs.rmSync(cwd, { recursive: true, force: true }));

/** Runs `cab` with only the variables given (plus PATH), in an empty folder. */
function cab(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr, all: r.stdout + r.stderr };
}

describe('cab (built bundle)', () => {
  it('prints its version', () => {
    const r = cab(['--version']);
    expect(r.code).toBe(0);
    expect(r.out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('prints the validated settings summary', () => {
    const r = cab(['settings']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/MODE\s+paper/);
    expect(r.out).toMatch(/SYMBOLS\s+BTC\/USDT/);
  });

  it.each([
    [[], 'Name a command.'],
    [['bogus'], 'Unknown argument: bogus'],
    [['settings', '--nope'], 'Unknown argument: nope'],
  ])('bad arguments %j print usage and exit 2, no stack trace', (args, why) => {
    const r = cab(args as string[]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^(crypto-ai-bot command line|cab settings)/);
    expect(r.err).toContain('Options:');
    expect(r.err).toContain(why);
    expect(r.all).not.toMatch(/\n\s+at /);
  });

  it('MODE=live without keys exits non-zero with one message naming every missing variable', () => {
    const r = cab(['settings'], { MODE: 'live', MARKET_DATA: 'exchange' });
    expect(r.code).toBe(2);
    expect(r.err).toContain('invalid settings (1 problem)');
    expect(r.err).toContain('API_KEY');
    expect(r.err).toContain('API_SECRET');
    expect(r.all).not.toMatch(/\n\s+at /);
  });

  it('never prints a secret: not in errors, not in the summary, not in JSON', () => {
    const failing = cab(['settings'], { MODE: 'live', API_KEY: KEY, RISK_MAX_SPREAD_PCT: 'abc' });
    expect(failing.code).toBe(2);
    expect(failing.err).toContain('RISK_MAX_SPREAD_PCT: expected a number between 0 and 1, got "abc"');
    expect(failing.err).toContain('missing API_SECRET');
    for (const args of [['settings'], ['settings', '--json']]) {
      const ok = cab(args, {
        MODE: 'live',
        MARKET_DATA: 'exchange',
        API_KEY: KEY,
        API_SECRET_B64: Buffer.from(SECRET).toString('base64'),
        API_TOKEN: `${SECRET}-x-0123456789abcdef`,
      });
      expect(ok.code).toBe(0);
      expect(ok.out).toContain('***');
      for (const r of [failing, ok]) {
        expect(r.all).not.toContain(KEY);
        expect(r.all).not.toContain(SECRET);
      }
    }
  });

  it('reads a .env file in the working folder', () => {
    fs.writeFileSync(path.join(cwd, '.env'), 'SYMBOL=ETH/USDT\nMARKET_DATA=synthetic\n');
    expect(cab(['settings']).out).toMatch(/SYMBOLS\s+ETH\/USDT/);
  });
});
