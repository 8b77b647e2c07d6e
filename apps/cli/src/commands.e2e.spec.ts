// The maintenance, performance and health-monitor commands of the BUILT CLI, on a real SQLite
// file seeded with a known day of trades and against a real HTTP server.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { openSqliteStorage } from '@cab/infrastructure';
import { SEED_DAY, SEED_EXPECTED, seedTrades } from '@cab/infrastructure/testing';
import { FakeClock } from '@cab/domain/testing';

const root = path.resolve(__dirname, '../../..');
const bin = path.join(root, 'dist/apps/cli/main.cjs');

let cwd: string;
const env = () => ({ PATH: process.env['PATH'] ?? '', DB_PATH: path.join(cwd, 'bot.db') });

function cab(args: string[], extraEnv: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, env: { ...env(), ...extraEnv }, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr, all: r.stdout + r.stderr };
}

beforeAll(async () => {
  cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'cab-cli-cmd-'));
  const storage = openSqliteStorage({ path: path.join(cwd, 'bot.db'), clock: new FakeClock(SEED_DAY) });
  await seedTrades(storage);
  await storage.close();
});
afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

describe('cab maintenance (built bundle)', () => {
  it('status, integrity, backup, list, vacuum, rotate, restore', () => {
    expect(cab(['maintenance', 'status']).out).toMatch(/migrations\s+\d+ applied, 0 pending/);
    expect(cab(['maintenance', 'integrity'])).toMatchObject({ code: 0, out: expect.stringMatching(/^integrity ok/) });
    const backup = cab(['maintenance', 'backup', '--json']);
    expect(backup.code).toBe(0);
    const file = JSON.parse(backup.out).path as string;
    expect(path.dirname(file)).toBe(path.join(cwd, 'backups'));
    expect(cab(['maintenance', 'list']).out).toContain(path.basename(file));
    expect(cab(['maintenance', 'vacuum']).code).toBe(0);
    expect(cab(['maintenance', 'rotate', '--days', '7']).out).toMatch(/^no backups older than 7 days/);
    const restored = cab(['maintenance', 'restore', file]);
    expect(restored.code).toBe(0);
    expect(restored.out).toMatch(/^restored /);
  });

  it.each([
    [['maintenance'], 'Not enough non-option arguments'],
    [['maintenance', 'frob'], 'Invalid values'],
    [['maintenance', 'rotate'], 'rotate needs --days N'],
    [['maintenance', 'rotate', '--days', '-1'], '--days must be a number >= 0'],
    [['maintenance', 'restore'], 'restore needs the backup file'],
    [['performance', '--date', '2026-02-30'], '--date must be a real day'],
    [['health-monitor', '--url', 'ftp://x'], '--url must be an http(s) URL'],
    [['health-monitor', '--interval', '0'], '--interval and --timeout must be > 0'],
  ])('%j: usage on stderr, exit 2, no stack', (args, why) => {
    const r = cab(args as string[]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('Options:');
    expect(r.err).toContain(why);
    expect(r.all).not.toMatch(/\n\s+at /);
  });

  it('a database that does not exist is a one-line error and exit 1', () => {
    const r = cab(['maintenance', 'backup'], { DB_PATH: path.join(cwd, 'nope.db') });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^cab: MAINTENANCE\.DB_NOT_FOUND: no database at .*nope\.db\n$/);
  });
});

describe('cab performance (built bundle)', () => {
  it('prints the seeded day as a table', () => {
    const r = cab(['performance', '--date', '2026-11-23']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Performance on 2026-11-23 (UTC)');
    expect(r.out).toMatch(new RegExp(`fees\\s+${SEED_EXPECTED.feesQuote.replace('.', '\\.')}`));
    expect(r.out).toMatch(/win rate\s+50\.0 % \(1 won, 1 lost\)/);
  });

  it('--json gives exact decimal strings', () => {
    const r = cab(['performance', '--date', '2026-11-23', '--json']);
    const report = JSON.parse(r.out);
    expect(report.totals).toMatchObject({ fills: 5, realizedQuote: SEED_EXPECTED.realizedQuote, netQuote: SEED_EXPECTED.netQuote, winRate: '0.5' });
  });
});

describe('cab health-monitor (built bundle)', () => {
  let server: Server;
  let url: string;
  let status = 200;
  let body = '{"status":"ok","components":[]}';
  beforeAll(async () => {
    server = createServer((_req, res) => res.writeHead(status, { 'content-type': 'application/json' }).end(body));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  // spawn, not spawnSync: the server lives in this process and must keep answering.
  function cabAsync(args: string[]): Promise<{ code: number | null; out: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [bin, ...args], { cwd, env: env() });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const t = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('exit', (code) => {
        clearTimeout(t);
        resolve({ code, out });
      });
    });
  }

  it('--oneshot: 0 when healthy, 1 when down', async () => {
    status = 200;
    body = '{"status":"ok","components":[]}';
    expect(await cabAsync(['health-monitor', '--oneshot', '--url', url])).toMatchObject({ code: 0, out: expect.stringContaining('healthy HTTP 200 ok') });
    status = 503;
    body = '{"status":"down","components":[{"name":"db","status":"down","detail":"locked"}]}';
    expect(await cabAsync(['health-monitor', '--oneshot', '--url', url])).toMatchObject({
      code: 1,
      out: expect.stringContaining('UNHEALTHY HTTP 503 down: db down (locked)'),
    });
  });

  it('polling: N healthy probes then exit 0', async () => {
    status = 200;
    body = '{"status":"ok","components":[]}';
    const r = await cabAsync(['health-monitor', '--url', url, '--interval', '0.05', '--count', '3']);
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toHaveLength(3);
  });

  it('an unreachable bot is unhealthy', async () => {
    const r = await cabAsync(['health-monitor', '--oneshot', '--url', 'http://127.0.0.1:9/health', '--timeout', '2']);
    expect(r.code).toBe(1);
  });
});
