import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// Real processes: each child is a tiny "live instance" (test/lock-child.ts) run with tsx.
const ROOT = path.resolve(__dirname, '../../../../..');
const CHILD = path.join(ROOT, 'libs/infrastructure/test/lock-child.ts');

interface ChildLine {
  pid: number;
  result: {
    ok: boolean;
    code?: string;
    scope?: string;
    holder?: { pid: number; host: string; startedAt: string };
    tookOver?: { scope: string; previous: { pid: number }; why: string }[];
  };
}

function start(dbPath: string, lockDir: string, apiKey: string): { child: ChildProcess; line: Promise<ChildLine>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dbPath, lockDir, apiKey], {
    cwd: ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: path.join(ROOT, 'tsconfig.base.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const line = new Promise<ChildLine>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)) as ChildLine);
    });
    void exited.then((code) => reject(new Error(`child exited (${code}) before answering: ${stderr}`)));
  });
  return { child, line, exited };
}

describe('FileInstanceLock across real processes', () => {
  let dir: string;
  const children: ChildProcess[] = [];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cab-lock-proc-'));
  });
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('first holds, second refuses naming the holder; after kill -9 of the first a new one takes over', async () => {
    const db = path.join(dir, 'bot.sqlite3');
    const locks = path.join(dir, 'locks');

    const first = start(db, locks, 'KEY-1');
    children.push(first.child);
    const a = await first.line;
    expect(a.result).toEqual({ ok: true, tookOver: [] });

    const second = start(db, locks, 'KEY-1');
    children.push(second.child);
    const b = await second.line;
    expect(b.result).toMatchObject({ ok: false, code: 'LOCK.HELD', scope: 'db', holder: { pid: a.pid, host: os.hostname() } });
    expect(await second.exited).toBe(3);

    // Same account, another database: refused on the account lock.
    const third = start(path.join(dir, 'other.sqlite3'), locks, 'KEY-1');
    children.push(third.child);
    expect((await third.line).result).toMatchObject({ ok: false, code: 'LOCK.HELD', scope: 'account', holder: { pid: a.pid } });

    first.child.kill('SIGKILL');
    await first.exited; // reaped: its pid no longer exists

    const fourth = start(db, locks, 'KEY-1');
    children.push(fourth.child);
    const d = await fourth.line;
    expect(d.result.ok).toBe(true);
    expect(d.result.tookOver).toEqual([
      { scope: 'db', previous: expect.objectContaining({ pid: a.pid }), why: `pid ${a.pid} is not running on ${os.hostname()}` },
      { scope: 'account', previous: expect.objectContaining({ pid: a.pid }), why: `pid ${a.pid} is not running on ${os.hostname()}` },
    ]);

    // A clean stop releases both locks.
    fourth.child.kill('SIGTERM');
    expect(await fourth.exited).toBe(0);
    expect(fs.readdirSync(locks)).toEqual([]);
    expect(fs.existsSync(`${db}.lock`)).toBe(false);
  }, 60_000);

  it('two instances racing for a dead holder’s lock: exactly one wins', async () => {
    const db = path.join(dir, 'bot.sqlite3');
    const locks = path.join(dir, 'locks');
    const first = start(db, locks, 'KEY-2');
    children.push(first.child);
    await first.line;
    first.child.kill('SIGKILL');
    await first.exited;

    const racers = [start(db, locks, 'KEY-2'), start(db, locks, 'KEY-2'), start(db, locks, 'KEY-2')];
    children.push(...racers.map((r) => r.child));
    const results = await Promise.all(racers.map((r) => r.line));
    const winners = results.filter((r) => r.result.ok);
    expect(winners).toHaveLength(1);
    for (const loser of results.filter((r) => !r.result.ok)) {
      expect(['LOCK.HELD', 'LOCK.CONTENDED']).toContain(loser.result.code);
    }
  }, 60_000);
});
