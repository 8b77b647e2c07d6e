import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  errorText,
  noopLogger,
  type InstanceLock,
  type LockAcquireResult,
  type LockHeartbeatResult,
  type LockHolder,
  type LockScope,
  type LockTakeover,
  type Logger,
} from '@cab/application';
import type { Clock } from '@cab/domain';

export interface FileInstanceLockOptions {
  /** The SQLite file; its lock is `<dbPath>.lock` beside it. ':memory:' has no DB lock. */
  dbPath: string;
  /** Exchange id ("gate") and the API key: the account lock's name is a hash of both, never the key. */
  exchange: string;
  apiKey: string;
  /**
   * Where account locks live: one directory shared by every instance on the host (and by every
   * container, if mounted), e.g. /var/lib/crypto-ai-bot/locks. Instances that cannot see the
   * same directory cannot see each other's account lock.
   */
  lockDir: string;
  /** False: the DB lock only (a paper bot: no exchange account to guard). Default true. */
  accountLock?: boolean;
  clock: Clock;
  logger?: Logger;
  /** A holder whose heartbeat is older than this is dead, even if its pid seems alive (default 60 s). */
  staleAfterMs?: number;
  /** Heartbeat period (default staleAfterMs / 4); 0 = no timer, the caller calls heartbeat(). */
  heartbeatIntervalMs?: number;
  /** Called once when a heartbeat finds the lock taken by someone else: halt trading. */
  onLost?: (result: Extract<LockHeartbeatResult, { ok: false }>) => void;
  /** Test seams; the defaults are this process and this host. */
  pid?: number;
  hostname?: string;
  bootId?: string | null;
  /** Linux pid namespace (e.g. "pid:[4026531836]"); containers sharing a hostname differ here. */
  pidNamespace?: string | null;
  isPidAlive?: (pid: number) => boolean;
  /** link(2); a test passes one that fails like a filesystem without hard links. */
  link?: (existingPath: string, newPath: string) => void;
}

/** What a lock file holds. Never the API key: `key` names the account by a hash. */
interface LockRecord {
  v: 1;
  key: string;
  pid: number;
  host: string;
  /** Linux boot id: the same pid after a reboot is another process. */
  bootId: string | null;
  /** Pid namespace of the holder: a pid says something only inside the same namespace. */
  pidNs?: string | null;
  startedAt: string;
  heartbeatAt: number;
  /** Random per instance: tells our lock from a previous incarnation with the same pid. */
  token: string;
}

interface LockFile {
  scope: LockScope;
  path: string;
  key: string;
}

type Read = { kind: 'missing' } | { kind: 'unreadable'; error: string } | { kind: 'record'; record: LockRecord };

const MUTEX_STALE_MS = 30_000;
/** link(2) errors of filesystems without hard links (some network and host-mounted volumes). */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

/**
 * InstanceLock over lock files (see the InstanceLock port). Two files: `<db>.lock` for the
 * database and `<lockDir>/account-<exchange>-<sha256(exchange, key)[:16]>.lock` for the account.
 *
 * Atomicity, without any lock server:
 *  - create: the record is written to a private temp file, then hard-linked to the lock path;
 *    link(2) fails with EEXIST when the lock exists (like O_EXCL), and a reader never sees a
 *    half-written lock.
 *  - takeover of a dead holder: only under `<lock>.takeover`, a mutex made with O_EXCL; the
 *    holder is re-read under it and must be the same dead record (same token), then our record
 *    replaces it with rename(2), which is atomic. Two starters racing for a dead lock: one wins,
 *    the other re-reads and refuses, naming the winner.
 *  - heartbeat: the same mutex, re-read (is it still ours?) then rename. A holder that finds
 *    another token has lost the lock and is told through onLost.
 * Dead means: same host and (pid not running, or pid is our own pid but not our token and no lock
 * of this process holds that token — a container restarted as pid 1 — or another boot id), or a
 * heartbeat older than staleAfterMs. A lock another instance in this same process holds (two
 * composes of one BOT_ID in one process) is alive: refused, never taken over.
 * A takeover mutex left by a crash during takeover is removed after 30 s.
 */
/** The tokens the FileInstanceLocks of this process hold now: our pid on a lock file is ours only with one of them. */
const HELD_IN_THIS_PROCESS = new Set<string>();

export class FileInstanceLock implements InstanceLock {
  private readonly files: LockFile[];
  private readonly token = randomBytes(12).toString('hex');
  private readonly pid: number;
  private readonly host: string;
  private readonly bootId: string | null;
  private readonly pidNs: string | null;
  private readonly staleAfterMs: number;
  private readonly logger: Logger;
  private readonly isAlive: (pid: number) => boolean;
  private startedAt: string | null = null;
  private held: LockFile[] = [];
  private timer: NodeJS.Timeout | null = null;
  private lost = false;

  constructor(private readonly opts: FileInstanceLockOptions) {
    this.pid = opts.pid ?? process.pid;
    this.host = opts.hostname ?? os.hostname();
    this.bootId = opts.bootId !== undefined ? opts.bootId : readBootId();
    this.pidNs = opts.pidNamespace !== undefined ? opts.pidNamespace : readPidNamespace();
    this.staleAfterMs = opts.staleAfterMs ?? 60_000;
    this.logger = (opts.logger ?? noopLogger).child({ component: 'instance-lock' });
    this.isAlive = opts.isPidAlive ?? isPidAlive;
    const accountKey = accountLockKey(opts.exchange, opts.apiKey);
    this.files = [
      ...(opts.dbPath === ':memory:' ? [] : [{ scope: 'db' as const, path: `${path.resolve(opts.dbPath)}.lock`, key: `db:${path.resolve(opts.dbPath)}` }]),
      ...(opts.accountLock === false
        ? []
        : [
            {
              scope: 'account' as const,
              path: path.join(path.resolve(opts.lockDir), `account-${safeName(opts.exchange)}-${accountKey}.lock`),
              key: `account:${opts.exchange}:${accountKey}`,
            },
          ]),
    ];
  }

  /** Lock file paths, for the operator's message and for tests. */
  paths(): Record<LockScope, string | null> {
    return {
      db: this.files.find((f) => f.scope === 'db')?.path ?? null,
      account: this.files.find((f) => f.scope === 'account')?.path ?? null,
    };
  }

  async acquire(): Promise<LockAcquireResult> {
    if (this.held.length > 0) return { ok: true, tookOver: [] };
    this.startedAt = new Date(this.opts.clock.now()).toISOString();
    this.lost = false;
    for (const f of this.files) fs.mkdirSync(path.dirname(f.path), { recursive: true });
    const tookOver: LockTakeover[] = [];
    for (const file of this.files) {
      const r = await this.acquireOne(file);
      if (!r.ok) {
        this.releaseHeld();
        this.logger.error('instance lock refused', { scope: r.scope, code: r.code, holder: r.holder, lockFile: file.path });
        return r;
      }
      this.held.push(file);
      if (r.tookOver) {
        tookOver.push(r.tookOver);
        this.logger.warn('instance lock taken over from a dead holder', { scope: file.scope, previous: r.tookOver.previous, why: r.tookOver.why });
      }
    }
    if (this.held.length > 0) HELD_IN_THIS_PROCESS.add(this.token);
    this.logger.info('instance lock acquired', { files: this.held.map((f) => f.path), pid: this.pid, host: this.host });
    this.startTimer();
    return { ok: true, tookOver };
  }

  async heartbeat(): Promise<LockHeartbeatResult> {
    for (const file of this.held) {
      const r = this.beat(file);
      if (!r.ok) {
        this.logger.error('instance lock lost', { scope: r.scope, holder: r.holder, message: r.message });
        this.held = this.held.filter((f) => f !== file);
        if (this.held.length === 0) HELD_IN_THIS_PROCESS.delete(this.token);
        this.stopTimer();
        if (!this.lost) {
          this.lost = true;
          this.opts.onLost?.(r);
        }
        return r;
      }
    }
    return { ok: true };
  }

  async release(): Promise<void> {
    this.stopTimer();
    this.releaseHeld();
  }

  // ---- one lock file ----

  private async acquireOne(file: LockFile): Promise<{ ok: true; tookOver?: LockTakeover } | Extract<LockAcquireResult, { ok: false }>> {
    // A few rounds: a holder can release, or a rival finish a takeover, between our steps.
    let mutexBusy = 0;
    for (let round = 0; round < 8; round++) {
      if (this.createExclusive(file)) return { ok: true };
      const seen = readLock(file.path);
      if (seen.kind === 'missing') continue;
      if (seen.kind === 'unreadable') {
        return this.refused(
          file,
          'LOCK.UNREADABLE',
          null,
          `lock file ${file.path} is not a valid lock (${seen.error}); remove it by hand if no instance is running`,
        );
      }
      if (seen.record.token === this.token) return { ok: true };
      const dead = this.deadReason(seen.record);
      if (!dead) {
        const h = holderOf(seen.record);
        return this.refused(
          file,
          'LOCK.HELD',
          h,
          `another running instance holds the ${file.scope} lock: pid ${h.pid} on ${h.host}, started ${h.startedAt}, last heartbeat ${h.heartbeatAt} (${file.path}); stop it first`,
        );
      }
      const mutex = this.lockMutex(file);
      if (!mutex) {
        // The mutex is held for a few file operations: wait a moment and judge again, so a rival's
        // fresh takeover is reported as LOCK.HELD with its name. A mutex that stays is reported.
        if (++mutexBusy >= 5) {
          return this.refused(file, 'LOCK.CONTENDED', holderOf(seen.record), `another instance is taking over the ${file.scope} lock (${file.path}.takeover)`);
        }
        await new Promise((r) => setTimeout(r, 25));
        continue;
      }
      try {
        const again = readLock(file.path);
        if (again.kind === 'missing') continue; // released meanwhile: create it normally
        if (again.kind !== 'record' || again.record.token !== seen.record.token) continue; // changed: judge again
        writeAtomic(file.path, this.record(file));
        return { ok: true, tookOver: { scope: file.scope, previous: holderOf(seen.record), why: dead } };
      } finally {
        this.unlockMutex(file);
      }
    }
    return this.refused(file, 'LOCK.CONTENDED', null, `the ${file.scope} lock (${file.path}) kept changing while starting; try again`);
  }

  private beat(file: LockFile): LockHeartbeatResult {
    const mutex = this.lockMutex(file);
    if (!mutex) return { ok: true }; // someone is judging the lock; the next beat will tell
    try {
      const cur = readLock(file.path);
      if (cur.kind !== 'record' || cur.record.token !== this.token) {
        const holder = cur.kind === 'record' ? holderOf(cur.record) : null;
        return { ok: false, scope: file.scope, holder, message: `the ${file.scope} lock (${file.path}) is no longer ours` };
      }
      writeAtomic(file.path, { ...cur.record, heartbeatAt: this.opts.clock.now() });
      return { ok: true };
    } finally {
      this.unlockMutex(file);
    }
  }

  private releaseHeld(): void {
    for (const file of this.held.reverse()) {
      try {
        const mutex = this.lockMutex(file);
        try {
          const cur = readLock(file.path);
          if (cur.kind === 'record' && cur.record.token === this.token) fs.unlinkSync(file.path);
        } finally {
          if (mutex) this.unlockMutex(file);
        }
      } catch (err) {
        this.logger.warn('instance lock release failed', { lockFile: file.path, error: errorText(err) });
      }
    }
    this.held = [];
    HELD_IN_THIS_PROCESS.delete(this.token);
  }

  // ---- building blocks ----

  private deadReason(r: LockRecord): string | null {
    // Two containers can share a hostname (network_mode: host, a fixed `hostname:`) and a lock
    // folder, but not their pids: only trust a pid inside the holder's own pid namespace, and
    // otherwise wait for its heartbeat to go stale.
    const samePidSpace = (r.pidNs ?? null) === this.pidNs;
    if (r.host === this.host && samePidSpace) {
      if (r.bootId && this.bootId && r.bootId !== this.bootId) return `host ${r.host} has rebooted since pid ${r.pid} took the lock`;
      if (r.pid === this.pid) return HELD_IN_THIS_PROCESS.has(r.token) ? null : `pid ${r.pid} is this process, so the lock is a previous run's`;
      if (!this.isAlive(r.pid)) return `pid ${r.pid} is not running on ${r.host}`;
    }
    const age = this.opts.clock.now() - r.heartbeatAt;
    if (age > this.staleAfterMs) return `last heartbeat ${Math.round(age / 1000)} s ago (limit ${Math.round(this.staleAfterMs / 1000)} s)`;
    return null;
  }

  private record(file: LockFile): LockRecord {
    return {
      v: 1,
      key: file.key,
      pid: this.pid,
      host: this.host,
      bootId: this.bootId,
      pidNs: this.pidNs,
      startedAt: this.startedAt ?? new Date(this.opts.clock.now()).toISOString(),
      heartbeatAt: this.opts.clock.now(),
      token: this.token,
    };
  }

  /** Creates the lock with its full content, or returns false if it exists. */
  private createExclusive(file: LockFile): boolean {
    const tmp = `${file.path}.${this.pid}.${this.token}.tmp`;
    writeFileDurable(tmp, JSON.stringify(this.record(file)));
    try {
      (this.opts.link ?? fs.linkSync)(tmp, file.path);
      return true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return false;
      if (!NO_HARD_LINKS.has(code ?? '')) throw err;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
    // A filesystem without hard links: O_EXCL create instead. A reader may then meet a lock being
    // written and call it unreadable, which refuses the start: the safe side.
    try {
      writeFileDurable(file.path, JSON.stringify(this.record(file)), 'wx');
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    }
  }

  private lockMutex(file: LockFile): boolean {
    const m = `${file.path}.takeover`;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(m, JSON.stringify({ pid: this.pid, host: this.host, token: this.token }), { flag: 'wx' });
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        // A mutex is held for a few file operations; one this old was left by a crash.
        const st = statOrNull(m);
        if (st && Date.now() - st.mtimeMs > MUTEX_STALE_MS) fs.rmSync(m, { force: true });
        else if (st) return false;
      }
    }
    return false;
  }

  private unlockMutex(file: LockFile): void {
    fs.rmSync(`${file.path}.takeover`, { force: true });
  }

  private refused(file: LockFile, code: Extract<LockAcquireResult, { ok: false }>['code'], holder: LockHolder | null, message: string) {
    return { ok: false as const, code, scope: file.scope, holder, message };
  }

  private startTimer(): void {
    const every = this.opts.heartbeatIntervalMs ?? Math.floor(this.staleAfterMs / 4);
    if (every <= 0) return;
    this.timer = setInterval(() => void this.heartbeat().catch((err) => this.logger.error('instance lock heartbeat failed', { error: errorText(err) })), every);
    // The lock must not keep a stopped process alive.
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/** sha256 of exchange and API key, first 16 hex chars: names the account without revealing the key. */
export function accountLockKey(exchange: string, apiKey: string): string {
  return createHash('sha256').update(`${exchange}\0${apiKey}`).digest('hex').slice(0, 16);
}

function holderOf(r: LockRecord): LockHolder {
  return { pid: r.pid, host: r.host, startedAt: r.startedAt, heartbeatAt: new Date(r.heartbeatAt).toISOString() };
}

function readLock(p: string): Read {
  let text: string;
  try {
    text = fs.readFileSync(p, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'unreadable', error: errorText(err) };
  }
  try {
    const r = JSON.parse(text) as Partial<LockRecord>;
    if (
      r.v === 1 &&
      typeof r.pid === 'number' &&
      typeof r.host === 'string' &&
      typeof r.token === 'string' &&
      typeof r.heartbeatAt === 'number' &&
      typeof r.startedAt === 'string'
    ) {
      return { kind: 'record', record: r as LockRecord };
    }
    return { kind: 'unreadable', error: 'unexpected content' };
  } catch (err) {
    return { kind: 'unreadable', error: errorText(err) };
  }
}

/** Replaces `p` atomically: a reader sees the old record or the new one, never a mix. */
function writeAtomic(p: string, record: LockRecord): void {
  const tmp = `${p}.${record.pid}.${record.token}.tmp`;
  writeFileDurable(tmp, JSON.stringify(record));
  fs.renameSync(tmp, p);
}

function writeFileDurable(p: string, text: string, flag: 'w' | 'wx' = 'w'): void {
  const fd = fs.openSync(p, flag, 0o644);
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function statOrNull(p: string): fs.Stats | null {
  try {
    return fs.statSync(p);
  } catch {
    return null;
  }
}

/** Signal 0 checks existence; EPERM means it exists but belongs to another user. */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readBootId(): string | null {
  try {
    return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
  } catch {
    return null;
  }
}

function readPidNamespace(): string | null {
  try {
    return fs.readlinkSync('/proc/self/ns/pid');
  } catch {
    return null;
  }
}

function safeName(s: string): string {
  return s.replace(/[^a-zA-Z0-9_-]/g, '_');
}
