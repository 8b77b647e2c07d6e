import * as os from 'node:os';
import { Client } from 'pg';
import { errorText, noopLogger, type InstanceLock, type LockAcquireResult, type LockHeartbeatResult, type LockHolder, type Logger } from '@cab/application';
import { accountPostgresLockKey, botLockKey, type PostgresLockKey } from './postgres-lock-keys';

export interface PostgresInstanceLockOptions {
  /**
   * postgres://… (DB_URL). A direct connection or a session-mode pooler only: an advisory lock
   * belongs to a server session, and a transaction pooler (pgbouncer pool_mode=transaction) hands
   * each statement to any session, so the lock would be taken by one and "held" by nobody.
   */
  url: string;
  /** BOT_ID: the bot's lock. */
  botId: string;
  /** Live mode: the exchange account is locked too (by a hash of exchange and key); null in paper. */
  account: { exchange: string; apiKey: string } | null;
  logger?: Logger;
  /** How often the connection is checked (default 5 s); 0 = no timer, the caller calls heartbeat(). */
  heartbeatIntervalMs?: number;
  /** Connect and every query fail after this long (default 10 s): a hung server is a lost lock. */
  timeoutMs?: number;
  /** Called once, at once, when the lock connection is lost: halt trading. */
  onLost?: (result: Extract<LockHeartbeatResult, { ok: false }>) => void;
  /** Test seams; the defaults are this process and this host. */
  pid?: number;
  hostname?: string;
}

/** Postgres caps application_name at 63 bytes (NAMEDATALEN - 1) and turns non-ASCII into '?'. */
const APP_NAME_MAX = 63;
const APP_NAME_RE = /^cab pid (\d+) on (\S+)/;

const HOLDER_SQL = `
  SELECT l.pid AS backend_pid, a.application_name, a.backend_start, a.state_change, host(a.client_addr) AS client_addr
  FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
  WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
    AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND l.classid = $1::int8::oid AND l.objid = $2::int8::oid
  LIMIT 1`;

// Counts the locks this very session holds: through a transaction pooler the heartbeat lands on
// another server session, which holds none, and the lock is reported lost instead of trusted.
const HELD_SQL = `
  SELECT count(*)::int AS n
  FROM pg_locks l JOIN unnest($1::int8[], $2::int8[]) AS k(class_id, obj_id) ON l.classid = k.class_id::oid AND l.objid = k.obj_id::oid
  WHERE l.pid = pg_backend_pid() AND l.locktype = 'advisory' AND l.objsubid = 2 AND l.granted`;

interface HolderRow {
  backend_pid: number;
  application_name: string | null;
  backend_start: Date | null;
  state_change: Date | null;
  client_addr: string | null;
}

type Refused = Extract<LockAcquireResult, { ok: false }>;
type Lost = Extract<LockHeartbeatResult, { ok: false }>;

/**
 * InstanceLock on Postgres (docs/postgres.md, "Instance lock"): session-level
 * `pg_try_advisory_lock(class, key)` on a dedicated pg Client (not a pool), one key for BOT_ID
 * and, in live mode, one for the exchange account. The server holds the lock exactly as long as
 * the session lives, so there is no takeover logic: a process killed with -9, or a machine that
 * vanished, loses its session and with it the lock (at once for a dead process; for a silent
 * network, after the server's TCP keepalive gives up).
 *
 * Who holds it: the connection's application_name says `cab pid <pid> on <host> bot <botId>`; a
 * refused starter reads it back from pg_locks ⨝ pg_stat_activity and names the holder.
 * Losing it: an 'error' or 'end' on the connection, or a heartbeat that fails or finds this session
 * no longer holding the locks, calls onLost once, at once.
 */
export class PostgresInstanceLock implements InstanceLock {
  private readonly keys: PostgresLockKey[];
  private readonly pid: number;
  private readonly host: string;
  private readonly timeoutMs: number;
  private readonly logger: Logger;
  private client: Client | null = null;
  private held: PostgresLockKey[] = [];
  private timer: NodeJS.Timeout | null = null;
  private beating: Promise<LockHeartbeatResult> | null = null;
  private loss: Lost | null = null;

  constructor(private readonly opts: PostgresInstanceLockOptions) {
    this.pid = opts.pid ?? process.pid;
    this.host = opts.hostname ?? os.hostname();
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.logger = (opts.logger ?? noopLogger).child({ component: 'instance-lock' });
    this.keys = [botLockKey(opts.botId), ...(opts.account ? [accountPostgresLockKey(opts.account.exchange, opts.account.apiKey)] : [])];
  }

  /** What this connection calls itself in pg_stat_activity (never the API key). */
  applicationName(): string {
    return `cab pid ${this.pid} on ${this.host} bot ${this.opts.botId}`.replace(/[^\x20-\x7e]/g, '?').slice(0, APP_NAME_MAX);
  }

  /** The advisory-lock keys, for operators (docs/postgres.md) and tests. */
  lockKeys(): readonly PostgresLockKey[] {
    return this.keys;
  }

  async acquire(): Promise<LockAcquireResult> {
    if (this.client && this.held.length > 0) return { ok: true, tookOver: [] };
    this.loss = null;
    const client = new Client({
      connectionString: this.opts.url,
      connectionTimeoutMillis: this.timeoutMs,
      query_timeout: this.timeoutMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    // An idle client's error must be handled (Node would exit on it); before the locks are held the
    // failing connect or query reports it instead.
    client.on('error', (err) => this.lose(client, `the lock connection failed: ${errorText(err)}`));
    client.on('end', () => this.lose(client, 'the lock connection was closed'));
    this.client = client;
    try {
      await client.connect();
    } catch (err) {
      this.client = null;
      await client.end().catch(() => undefined);
      return this.refusedUnavailable(`cannot connect to the Postgres of DB_URL for the instance lock: ${errorText(err)}`);
    }
    try {
      // Set here, not in the client config: a connection string's own application_name would win there.
      await client.query(`SELECT set_config('application_name', $1, false)`, [this.applicationName()]);
      for (const key of this.keys) {
        const refused = await this.lockOne(client, key);
        if (refused) {
          await this.closeClient();
          this.logger.error('instance lock refused', { scope: refused.scope, code: refused.code, holder: refused.holder });
          return refused;
        }
        this.held.push(key);
      }
    } catch (err) {
      await this.closeClient();
      return this.refusedUnavailable(`the instance lock query failed: ${errorText(err)}`);
    }
    this.logger.info('instance lock acquired', {
      on: 'postgres',
      botId: this.opts.botId,
      scopes: this.held.map((k) => k.scope),
      pid: this.pid,
      host: this.host,
    });
    this.startTimer();
    return { ok: true, tookOver: [] };
  }

  async heartbeat(): Promise<LockHeartbeatResult> {
    if (this.loss) return this.loss;
    const client = this.client;
    if (!client || this.held.length === 0) return { ok: true };
    // One check at a time: a slow server must not pile heartbeats up on the connection.
    this.beating ??= this.check(client).finally(() => (this.beating = null));
    return this.beating;
  }

  async release(): Promise<void> {
    this.stopTimer();
    const client = this.client;
    const held = this.held;
    this.client = null;
    this.held = [];
    if (!client) return;
    try {
      // Ending the session frees them anyway; unlocking first says so in the server's own terms.
      for (const k of held) await client.query('SELECT pg_advisory_unlock($1::int4, $2::int4)', [k.classId, k.objId]);
    } catch (err) {
      this.logger.warn('instance lock release failed; closing the session frees it', { error: errorText(err) });
    } finally {
      await client.end().catch(() => undefined);
    }
    if (held.length > 0) this.logger.info('instance lock released', { on: 'postgres', botId: this.opts.botId });
  }

  // ---- steps ----

  private async lockOne(client: Client, key: PostgresLockKey): Promise<Refused | null> {
    // The holder may let go between our try and our look at pg_locks: then simply try again.
    for (let round = 0; round < 3; round++) {
      const got = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::int4, $2::int4) AS ok', [key.classId, key.objId]);
      if (got.rows[0]?.ok) return null;
      const row = (await client.query<HolderRow>(HOLDER_SQL, [key.classId, key.objId])).rows[0];
      if (row) return this.refusedHeld(key, row);
    }
    return {
      ok: false,
      code: 'LOCK.CONTENDED',
      scope: key.scope,
      holder: null,
      message: `the ${key.scope} lock of bot "${this.opts.botId}" kept changing hands while starting; try again`,
    };
  }

  private async check(client: Client): Promise<LockHeartbeatResult> {
    const held = this.held;
    try {
      const r = await client.query<{ n: number }>(HELD_SQL, [held.map((k) => k.classId), held.map((k) => k.objId)]);
      if (r.rows[0]?.n === held.length) return { ok: true };
      this.lose(
        client,
        'this session no longer holds the advisory lock (is DB_URL going through a transaction pooler, e.g. pgbouncer pool_mode=transaction? the lock needs a direct or session-mode connection)',
      );
    } catch (err) {
      this.lose(client, `the lock connection failed its heartbeat: ${errorText(err)}`);
    }
    return this.loss ?? { ok: true };
  }

  /** Once per acquire, and only for the connection that holds the locks. */
  private lose(client: Client, message: string): void {
    if (this.client !== client || this.held.length === 0 || this.loss) return;
    const loss: Lost = { ok: false, scope: this.held[0]?.scope ?? 'db', holder: null, message };
    this.loss = loss;
    this.held = [];
    this.client = null;
    this.stopTimer();
    this.logger.error('instance lock lost', { on: 'postgres', botId: this.opts.botId, message });
    void client.end().catch(() => undefined);
    try {
      this.opts.onLost?.(loss);
    } catch (err) {
      // Called from the connection's events: a throw here would be an uncaught exception.
      this.logger.error('instance lock onLost failed', { error: errorText(err) });
    }
  }

  private async closeClient(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.held = [];
    await client?.end().catch(() => undefined);
  }

  private refusedHeld(key: PostgresLockKey, row: HolderRow): Refused {
    const ours = APP_NAME_RE.exec(row.application_name ?? '');
    const startedAt = row.backend_start ? row.backend_start.toISOString() : 'unknown (the holder connects as another database role)';
    const holder: LockHolder | null = ours
      ? { pid: Number(ours[1]), host: ours[2] ?? '', startedAt, heartbeatAt: row.state_change ? row.state_change.toISOString() : startedAt }
      : null;
    const who = holder
      ? `pid ${holder.pid} on ${holder.host}, started ${holder.startedAt}`
      : `a session that is not a bot's (application_name ${JSON.stringify(row.application_name ?? '')}, client ${row.client_addr ?? 'unknown'})`;
    const what =
      key.scope === 'db' ? `bot "${this.opts.botId}" is already running on this database` : 'another bot on this database trades the same exchange account';
    return {
      ok: false,
      code: 'LOCK.HELD',
      scope: key.scope,
      holder,
      message: `${what}: ${who} (Postgres backend pid ${row.backend_pid}); stop it first`,
    };
  }

  private refusedUnavailable(message: string): Refused {
    this.logger.error('instance lock unavailable', { on: 'postgres', message });
    return { ok: false, code: 'LOCK.UNAVAILABLE', scope: 'db', holder: null, message };
  }

  private startTimer(): void {
    const every = this.opts.heartbeatIntervalMs ?? 5_000;
    if (every <= 0) return;
    this.timer = setInterval(() => void this.heartbeat(), every);
    // The lock must not keep a stopped process alive.
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
