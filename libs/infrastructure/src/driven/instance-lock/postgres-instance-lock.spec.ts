import { RecordingLogger } from '@cab/application/testing';
import type { LockHeartbeatResult } from '@cab/application';
import * as net from 'node:net';
import { Client } from 'pg';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../../testing/postgres-database';
import { PostgresInstanceLock, type PostgresInstanceLockOptions } from './postgres-instance-lock';
import { LOCK_CLASS } from './postgres-lock-keys';

// A real Postgres (the test run's throwaway cluster), one database per spec; locks in one process
// with pid and host given, so the holder named in a refusal is known. The same across real
// processes: apps/worker/src/instance-lock.e2e.spec.ts.
const API_KEY = 'gate-api-key-0123456789abcdef';
// Kysely's migration lock (kysely/dist/cjs/dialect/postgres/postgres-adapter.js): a bigint key.
const KYSELY_MIGRATION_LOCK = '3853314791062309107';

describe('PostgresInstanceLock (real Postgres)', () => {
  let db: TestPostgresDatabase;
  const locks: PostgresInstanceLock[] = [];
  const clients: Client[] = [];
  const make = (over: Partial<PostgresInstanceLockOptions> = {}) => {
    const lock = new PostgresInstanceLock({ url: db.url, botId: 'bot-a', account: null, heartbeatIntervalMs: 0, pid: 101, hostname: 'host-a', ...over });
    locks.push(lock);
    return lock;
  };
  const admin = async () => {
    const c = new Client({ connectionString: db.url });
    clients.push(c);
    await c.connect();
    return c;
  };
  const backendOf = async (lock: PostgresInstanceLock) => {
    const r = await (await admin()).query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [lock.applicationName()]);
    return r.rows.map((x) => x.pid);
  };

  beforeEach(async () => {
    db = await createTestPostgresDatabase('lock');
  });
  afterEach(async () => {
    for (const l of locks.splice(0)) await l.release();
    for (const c of clients.splice(0)) await c.end().catch(() => undefined);
    await db.drop();
  });

  it('one bot per BOT_ID: a second instance refuses, naming the holder’s pid, host and start', async () => {
    const first = make();
    expect(await first.acquire()).toEqual({ ok: true, tookOver: [] });
    const second = await make({ pid: 202, hostname: 'host-b' }).acquire();
    expect(second).toEqual({
      ok: false,
      code: 'LOCK.HELD',
      scope: 'db',
      holder: { pid: 101, host: 'host-a', startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), heartbeatAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
      message: expect.stringMatching(
        /^bot "bot-a" is already running on this database: pid 101 on host-a, started \d{4}-.*\(Postgres backend pid \d+\); stop it first$/,
      ),
    });
    // The refused instance closed its connection: only the holder's session is left.
    expect(await backendOf(make({ pid: 202, hostname: 'host-b' }))).toEqual([]);
    expect(await backendOf(first)).toHaveLength(1);
  });

  it('different BOT_IDs on one database both run; paper takes no account lock', async () => {
    expect(await make({ botId: 'bot-a' }).acquire()).toMatchObject({ ok: true });
    expect(await make({ botId: 'bot-b', pid: 202 }).acquire()).toMatchObject({ ok: true });
    expect(await make({ botId: 'bot-c', pid: 303 }).acquire()).toMatchObject({ ok: true });
  });

  it('live: two bots on one exchange account refuse on the account lock; another account is fine', async () => {
    const account = { exchange: 'gateio', apiKey: API_KEY };
    expect(await make({ botId: 'bot-a', account }).acquire()).toMatchObject({ ok: true });
    const other = await make({ botId: 'bot-b', pid: 202, account }).acquire();
    expect(other).toMatchObject({ ok: false, code: 'LOCK.HELD', scope: 'account', holder: { pid: 101, host: 'host-a' } });
    expect(other.ok === false && other.message).toMatch(/another bot on this database trades the same exchange account: pid 101 on host-a/);
    // Its bot lock, taken first, was given back with its session.
    expect(await make({ botId: 'bot-b', pid: 303 }).acquire()).toMatchObject({ ok: true });
    expect(await make({ botId: 'bot-c', pid: 404, account: { exchange: 'gateio', apiKey: 'another-key' } }).acquire()).toMatchObject({ ok: true });
  });

  it('release frees the lock for the next instance and is idempotent', async () => {
    const a = make();
    await a.acquire();
    await a.release();
    await a.release();
    expect(await make({ pid: 202 }).acquire()).toMatchObject({ ok: true });
    expect(await a.acquire()).toMatchObject({ ok: false, code: 'LOCK.HELD', holder: { pid: 202 } });
  });

  it('pg_terminate_backend of the holder’s session: onLost at once, heartbeat says lost, the lock is free', async () => {
    const lost: LockHeartbeatResult[] = [];
    const holder = make({ onLost: (r) => lost.push(r) });
    await holder.acquire();
    const [backend] = await backendOf(holder);
    await (await admin()).query('SELECT pg_terminate_backend($1)', [backend]);
    await waitFor(() => lost.length > 0);
    expect(lost).toEqual([{ ok: false, scope: 'db', holder: null, message: expect.stringMatching(/^the lock connection (failed|was closed)/) }]);
    expect(await holder.heartbeat()).toMatchObject({ ok: false });
    expect(await make({ pid: 202 }).acquire()).toMatchObject({ ok: true });
    expect(lost).toHaveLength(1); // told once
  });

  it('a heartbeat that finds its session without the lock (what a transaction pooler does) reports it lost', async () => {
    const lost: string[] = [];
    const holder = make({ onLost: (r) => lost.push(r.message) });
    await holder.acquire();
    expect(await holder.heartbeat()).toEqual({ ok: true });
    // A transaction pooler runs the heartbeat on another server session; here the lock's own
    // session lets go, which the heartbeat cannot tell apart from that.
    await (holder as unknown as { client: Client }).client.query('SELECT pg_advisory_unlock_all()');
    expect(await holder.heartbeat()).toMatchObject({ ok: false, scope: 'db', message: expect.stringMatching(/transaction pooler/) });
    expect(lost).toHaveLength(1);
  });

  it('the periodic heartbeat runs by itself', async () => {
    const lost: string[] = [];
    const holder = make({ heartbeatIntervalMs: 50, onLost: (r) => lost.push(r.message) });
    await holder.acquire();
    await (holder as unknown as { client: Client }).client.query('SELECT pg_advisory_unlock_all()');
    await waitFor(() => lost.length > 0);
    expect(lost[0]).toMatch(/no longer holds the advisory lock/);
  });

  it('a silent network (the server stops answering, nothing is closed): the heartbeat times out and the lock is lost', async () => {
    // A loopback TCP relay in front of the real server that can stop passing bytes without closing.
    const target = new URL(db.url);
    const sockets: net.Socket[] = [];
    const relay = net.createServer((downstream) => {
      const upstream = net.connect(Number(target.port), target.hostname);
      sockets.push(downstream, upstream);
      downstream.pipe(upstream).pipe(downstream);
      downstream.on('error', () => undefined);
      upstream.on('error', () => undefined);
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
    try {
      const via = new URL(db.url);
      via.port = String((relay.address() as net.AddressInfo).port);
      const lost: string[] = [];
      const holder = make({ url: via.toString(), timeoutMs: 5_000, onLost: (r) => lost.push(r.message) });
      expect(await holder.acquire()).toMatchObject({ ok: true });
      expect(await holder.heartbeat()).toEqual({ ok: true });
      for (const s of sockets) s.unpipe().pause(); // the cable is cut: nothing flows, nothing closes
      expect(await holder.heartbeat()).toMatchObject({ ok: false, message: expect.stringMatching(/^the lock connection failed its heartbeat: .*timeout/i) });
      expect(lost).toHaveLength(1);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => relay.close(r));
    }
  });

  it('an unreachable server refuses the start (LOCK.UNAVAILABLE) without showing the password', async () => {
    const u = new URL(db.url);
    u.port = '1';
    u.password = 'SEKRET-pw-42';
    const r = await make({ url: u.toString(), timeoutMs: 5_000 }).acquire();
    expect(r).toMatchObject({ ok: false, code: 'LOCK.UNAVAILABLE', holder: null, message: expect.stringMatching(/^cannot connect to the Postgres of DB_URL/) });
    expect(JSON.stringify(r)).not.toContain('SEKRET-pw-42');
  });

  it('the account key never reaches the server or the logs: the lock key is a hash', async () => {
    const logger = new RecordingLogger();
    const account = { exchange: 'gateio', apiKey: API_KEY };
    const a = make({ account, logger });
    await a.acquire();
    await make({ botId: 'bot-b', pid: 202, account, logger }).acquire();
    const c = await admin();
    const seen = await c.query(`SELECT a.*, l.* FROM pg_stat_activity a LEFT JOIN pg_locks l ON l.pid = a.pid WHERE a.datname = current_database()`);
    const text = JSON.stringify(seen.rows);
    expect(text).toContain(a.applicationName());
    expect(text).not.toContain(API_KEY);
    expect(text).not.toContain(API_KEY.slice(0, 8));
    expect(a.applicationName()).toBe('cab pid 101 on host-a bot bot-a');
    expect(logger.text()).not.toContain(API_KEY);
    const keys = a.lockKeys();
    expect(keys.map((k) => k.scope)).toEqual(['db', 'account']);
    // The key is 31 bits of a hash: the same for the same account, another for another key.
    const again = make({ account }).lockKeys()[1];
    const other = make({ account: { exchange: 'gateio', apiKey: `${API_KEY}x` } }).lockKeys()[1];
    expect(again).toEqual(keys[1]);
    expect(other?.objId).not.toBe(keys[1]?.objId);
  });

  it('lives in its own advisory-lock space: Kysely’s migration lock (a bigint key) held beside it collides with nothing', async () => {
    const migrator = await admin();
    await migrator.query(`SELECT pg_advisory_lock(${KYSELY_MIGRATION_LOCK})`);
    expect(await make().acquire()).toMatchObject({ ok: true });
    const rows = await migrator.query<{ classid: string; objsubid: number }>(
      `SELECT classid::int8::text AS classid, objsubid FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY objsubid`,
    );
    expect(rows.rows).toEqual([
      { classid: String(BigInt(KYSELY_MIGRATION_LOCK) >> 32n), objsubid: 1 },
      { classid: String(LOCK_CLASS.db), objsubid: 2 },
    ]);
  });

  it('names itself even when DB_URL sets an application_name of its own', async () => {
    const u = new URL(db.url);
    u.searchParams.set('application_name', 'psql');
    const first = make({ url: u.toString() });
    await first.acquire();
    expect(await make({ pid: 202 }).acquire()).toMatchObject({ ok: false, holder: { pid: 101, host: 'host-a' } });
  });

  it('keeps application_name within Postgres’s 63 bytes, pid and host first', () => {
    const name = make({ hostname: 'a-very-long-host-name.example.internal', botId: 'a-bot-with-a-long-name-0123456789', pid: 4194304 }).applicationName();
    expect(name).toBe('cab pid 4194304 on a-very-long-host-name.example.internal bot a');
    expect(name.length).toBe(63);
  });
});

async function waitFor(cond: () => boolean, ceilingMs = 60_000): Promise<void> {
  const deadline = Date.now() + ceilingMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met before the ceiling');
    await new Promise((r) => setTimeout(r, 20));
  }
}
