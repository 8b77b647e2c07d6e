import { randomBytes } from 'node:crypto';
import type { Clock } from '@cab/domain';

export interface Session {
  /** The cookie's value: 256 random bits, never logged or shown. */
  readonly id: string;
  /** What audits and the UI call this session ("dashboard session 3fa9c2"): random too, unrelated to the id. */
  readonly label: string;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/**
 * Dashboard sessions, in memory: a restart logs everyone out, which is the safe direction. Ids come
 * from node:crypto here, in infrastructure (docs: ids are injected into domain and application).
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly clock: Clock,
    /** How long a login lasts (default 12 h). */
    readonly ttlMs = 12 * 3_600_000,
  ) {}

  create(): Session {
    this.sweep();
    const now = this.clock.now();
    const s: Session = {
      id: randomBytes(32).toString('base64url'),
      label: `dashboard session ${randomBytes(3).toString('hex')}`,
      createdAt: now,
      expiresAt: now + this.ttlMs,
    };
    this.sessions.set(s.id, s);
    return s;
  }

  /** The live session with this id, or null (unknown, or expired: then forgotten). */
  get(id: string | undefined): Session | null {
    if (!id) return null;
    const s = this.sessions.get(id);
    if (!s) return null;
    if (s.expiresAt <= this.clock.now()) {
      this.sessions.delete(id);
      return null;
    }
    return s;
  }

  delete(id: string | undefined): boolean {
    return id ? this.sessions.delete(id) : false;
  }

  get size(): number {
    return this.sessions.size;
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const [id, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(id);
  }
}
