import { RecordingLogger } from '@cab/application/testing';
import { FakeClock } from '@cab/domain/testing';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { accountLockKey, FileInstanceLock, isPidAlive, type FileInstanceLockOptions } from './file-instance-lock';

const API_KEY = 'gate-api-key-0123456789abcdef';

describe('FileInstanceLock (one process, injected pids and clock)', () => {
  let dir: string;
  let clock: FakeClock;
  const alive = new Set<number>();
  const make = (over: Partial<FileInstanceLockOptions> = {}) =>
    new FileInstanceLock({
      dbPath: path.join(dir, 'data', 'bot.sqlite3'),
      lockDir: path.join(dir, 'locks'),
      exchange: 'gate',
      apiKey: API_KEY,
      clock,
      staleAfterMs: 60_000,
      heartbeatIntervalMs: 0,
      hostname: 'host-a',
      bootId: 'boot-1',
      pidNamespace: 'pid:[1]',
      isPidAlive: (pid) => alive.has(pid),
      ...over,
    });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cab-lock-'));
    clock = new FakeClock(Date.UTC(2026, 10, 24, 3, 0, 0));
    alive.clear();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('takes the DB and account locks; a second instance refuses, naming the holder', async () => {
    alive.add(100);
    const first = make({ pid: 100 });
    expect(await first.acquire()).toEqual({ ok: true, tookOver: [] });
    const second = await make({ pid: 200 }).acquire();
    expect(second).toEqual({
      ok: false,
      code: 'LOCK.HELD',
      scope: 'db',
      holder: { pid: 100, host: 'host-a', startedAt: '2026-11-24T03:00:00.000Z', heartbeatAt: '2026-11-24T03:00:00.000Z' },
      message: expect.stringMatching(/pid 100 on host-a, started 2026-11-24T03:00:00.000Z/),
    });
  });

  it('a second instance on another DB but the same account refuses on the account lock; the DB lock it took is given back', async () => {
    alive.add(100);
    await make({ pid: 100 }).acquire();
    const otherDb = make({ pid: 200, dbPath: path.join(dir, 'other.sqlite3') });
    expect(await otherDb.acquire()).toMatchObject({ ok: false, code: 'LOCK.HELD', scope: 'account', holder: { pid: 100 } });
    expect(fs.existsSync(path.join(dir, 'other.sqlite3.lock'))).toBe(false);
    // Another account on another DB is fine.
    expect(await make({ pid: 200, dbPath: path.join(dir, 'other.sqlite3'), apiKey: 'another-key' }).acquire()).toMatchObject({ ok: true });
  });

  it('never writes the API key: the account is named by a hash', async () => {
    const lock = make({ pid: 100 });
    await lock.acquire();
    const { db, account } = lock.paths();
    expect(path.basename(account ?? '')).toBe(`account-gate-${accountLockKey('gate', API_KEY)}.lock`);
    for (const p of [db, account]) expect(fs.readFileSync(p ?? '', 'utf8')).not.toContain(API_KEY);
    expect(account).not.toContain(API_KEY);
  });

  it('takes over the lock of a pid that is no longer running, and says whose', async () => {
    await make({ pid: 100 }).acquire(); // 100 never marked alive: it "died"
    const r = await make({ pid: 200 }).acquire();
    expect(r).toEqual({
      ok: true,
      tookOver: [
        { scope: 'db', previous: expect.objectContaining({ pid: 100 }), why: 'pid 100 is not running on host-a' },
        { scope: 'account', previous: expect.objectContaining({ pid: 100 }), why: 'pid 100 is not running on host-a' },
      ],
    });
    const rec = JSON.parse(fs.readFileSync(`${path.join(dir, 'data', 'bot.sqlite3')}.lock`, 'utf8'));
    expect(rec.pid).toBe(200);
  });

  it('a holder on another host is judged by its heartbeat only', async () => {
    const remote = make({ pid: 100, hostname: 'host-b' });
    await remote.acquire();
    clock.advance(60_000);
    expect(await make({ pid: 200 }).acquire()).toMatchObject({ ok: false, code: 'LOCK.HELD', holder: { host: 'host-b' } });
    clock.advance(1);
    expect(await make({ pid: 200 }).acquire()).toMatchObject({
      ok: true,
      tookOver: [{ scope: 'db', why: 'last heartbeat 60 s ago (limit 60 s)' }, { scope: 'account' }],
    });
  });

  it('a holder in another container with the same hostname is judged by its heartbeat, not by a pid', async () => {
    // Same hostname and boot id, another pid namespace: its pid 1 means nothing here.
    alive.clear();
    await make({ pid: 1, pidNamespace: 'pid:[2]' }).acquire();
    expect(await make({ pid: 1 }).acquire()).toMatchObject({ ok: false, code: 'LOCK.HELD' });
    expect(await make({ pid: 7 }).acquire()).toMatchObject({ ok: false, code: 'LOCK.HELD' });
    clock.advance(60_001);
    expect(await make({ pid: 7 }).acquire()).toMatchObject({
      ok: true,
      tookOver: [{ scope: 'db', why: expect.stringMatching(/last heartbeat/) }, { scope: 'account' }],
    });
  });

  it('heartbeats keep a live holder fresh; a holder that lost its lock is told once', async () => {
    const lost: string[] = [];
    const holder = make({ pid: 100, hostname: 'host-b', onLost: (r) => lost.push(r.scope) });
    await holder.acquire();
    clock.advance(50_000);
    expect(await holder.heartbeat()).toEqual({ ok: true });
    clock.advance(50_000); // 50 s since the last beat: still fresh
    expect(await make({ pid: 200 }).acquire()).toMatchObject({ ok: false, code: 'LOCK.HELD' });
    clock.advance(20_000); // now 70 s: stale, taken over
    expect(await make({ pid: 200 }).acquire()).toMatchObject({ ok: true });
    const beat = await holder.heartbeat();
    expect(beat).toMatchObject({ ok: false, scope: 'db', holder: { pid: 200, host: 'host-a' } });
    expect(lost).toEqual(['db']);
  });

  it('a previous run with our own pid (a restarted container) or from before a reboot is dead', async () => {
    alive.add(1);
    // The previous run's files, left as a kill leaves them: its records, no instance of this process holding them.
    const previous = make({ pid: 1 });
    await previous.acquire();
    const files = Object.values(previous.paths()).flatMap((p) => (p ? [[p, fs.readFileSync(p)] as const] : []));
    await previous.release();
    for (const [p, content] of files) fs.writeFileSync(p, content);
    expect(await make({ pid: 1 }).acquire()).toMatchObject({ ok: true, tookOver: [{ why: "pid 1 is this process, so the lock is a previous run's" }, {}] });
    alive.add(300);
    await make({ pid: 300, dbPath: path.join(dir, 'b.sqlite3'), apiKey: 'k2' }).acquire();
    expect(await make({ pid: 400, bootId: 'boot-2', dbPath: path.join(dir, 'b.sqlite3'), apiKey: 'k2' }).acquire()).toMatchObject({
      ok: true,
      tookOver: [{ why: 'host host-a has rebooted since pid 300 took the lock' }, {}],
    });
  });

  it('a lock another instance of this process holds is alive: a second compose of the same bot in one process is refused, not let in', async () => {
    alive.add(1);
    const first = make({ pid: 1 });
    await first.acquire();
    expect(await make({ pid: 1 }).acquire()).toMatchObject({ ok: false, code: 'LOCK.HELD', scope: 'db', holder: { pid: 1 } });
    // Once the first lets go, the next one takes the lock as usual.
    await first.release();
    expect(await make({ pid: 1 }).acquire()).toEqual({ ok: true, tookOver: [] });
  });

  it('release frees the lock only if still ours, and is idempotent', async () => {
    alive.add(100).add(200);
    const a = make({ pid: 100 });
    await a.acquire();
    await a.release();
    await a.release();
    const b = make({ pid: 200 });
    expect(await b.acquire()).toEqual({ ok: true, tookOver: [] });
    await a.release(); // holds nothing: must not remove b's lock
    expect(await make({ pid: 300 }).acquire()).toMatchObject({ ok: false, holder: { pid: 200 } });
  });

  it('refuses on a lock file it cannot read rather than guess', async () => {
    const lock = make({ pid: 100 });
    fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
    fs.writeFileSync(lock.paths().db ?? '', 'garbage');
    expect(await lock.acquire()).toMatchObject({ ok: false, code: 'LOCK.UNREADABLE', scope: 'db', holder: null });
  });

  it('refuses while another starter holds the takeover mutex; a mutex left by a crash expires', async () => {
    await make({ pid: 100 }).acquire(); // dead holder
    const lock = make({ pid: 200 });
    const mutex = `${lock.paths().db}.takeover`;
    fs.writeFileSync(mutex, '{}');
    expect(await lock.acquire()).toMatchObject({ ok: false, code: 'LOCK.CONTENDED', scope: 'db' });
    const old = new Date(Date.now() - 31_000);
    fs.utimesSync(mutex, old, old);
    expect(await lock.acquire()).toMatchObject({ ok: true });
    expect(fs.existsSync(mutex)).toBe(false);
  });

  it('works on a filesystem without hard links (O_EXCL create instead)', async () => {
    // No such filesystem is at hand in a test, so link(2) fails as it does there.
    let linkCalls = 0;
    const link = () => {
      linkCalls += 1;
      throw Object.assign(new Error('operation not permitted'), { code: 'EPERM' });
    };
    alive.add(100);
    expect(await make({ pid: 100, link }).acquire()).toEqual({ ok: true, tookOver: [] });
    expect(await make({ pid: 200, link }).acquire()).toMatchObject({ ok: false, code: 'LOCK.HELD', holder: { pid: 100 } });
    alive.delete(100);
    expect(await make({ pid: 200, link }).acquire()).toMatchObject({ ok: true, tookOver: [{ scope: 'db' }, { scope: 'account' }] });
    expect(linkCalls).toBeGreaterThanOrEqual(3);
    expect(fs.readdirSync(path.join(dir, 'locks')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('logs the refusal without the API key', async () => {
    alive.add(100);
    await make({ pid: 100 }).acquire();
    const logger = new RecordingLogger();
    await make({ pid: 200, logger }).acquire();
    expect(logger.at('error')[0]).toMatchObject({ msg: 'instance lock refused', fields: { scope: 'db', code: 'LOCK.HELD' } });
    expect(logger.text()).not.toContain(API_KEY);
  });
});

describe('isPidAlive', () => {
  it('is true for this process and false for a child that has exited and been reaped', async () => {
    expect(isPidAlive(process.pid)).toBe(true);
    const child = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => child.on('exit', r));
    expect(isPidAlive(child.pid as number)).toBe(false);
  });
});
