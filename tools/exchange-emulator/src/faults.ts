/**
 * Faults to inject into the next matching requests. A match is "METHOD /path" after /api/v4
 * (query excluded), "*" for any request, or a prefix ending in "*" ("GET /spot/*").
 */
export type Fault =
  /**
   * Answer with this HTTP status and Gate's error body; 429 defaults to TOO_MANY_REQUESTS, omit
   * `label` for a bare 5xx. With `afterProcessing` the request is executed first (a gateway
   * that failed after the exchange accepted the order).
   */
  | { kind: 'status'; status: number; label?: string; message?: string; retryAfterSec?: number; afterProcessing?: boolean }
  /** Answer with this exact body (a recorded payload) without executing anything. */
  | { kind: 'respond'; status?: number; body: unknown }
  /** Process the request, then hold the response this long (past the client's timeout). */
  | { kind: 'delay'; ms: number }
  /** Process the request, then drop the connection: "order accepted but the response lost". */
  | { kind: 'lost-response' }
  /** Drop the connection without processing anything. */
  | { kind: 'reset' }
  /** A market/limit order fills only `ratio` (e.g. "0.5") of what the book gives; finish_as "ioc". */
  | { kind: 'partial-fill'; ratio: string }
  /** A filled IOC is reported with finish_as "cancelled", as Gate sometimes does. */
  | { kind: 'report-cancelled' };

interface Armed {
  match: string;
  fault: Fault;
  remaining: number;
}

export class FaultQueue {
  private armed: Armed[] = [];

  /** Injects `fault` into the next `times` requests matching `match`. */
  next(match: string, fault: Fault, times = 1): void {
    this.armed.push({ match, fault, remaining: times });
  }

  /** Injects `fault` into every matching request until cleared. */
  always(match: string, fault: Fault): void {
    this.next(match, fault, Number.POSITIVE_INFINITY);
  }

  clear(): void {
    this.armed = [];
  }

  pending(): ReadonlyArray<{ match: string; fault: Fault; remaining: number }> {
    return this.armed;
  }

  /** Takes every armed fault that applies to this request (one per kind, oldest first). */
  take(method: string, path: string): Fault[] {
    const key = `${method.toUpperCase()} ${path}`;
    const out: Fault[] = [];
    for (const a of this.armed) {
      if (a.remaining <= 0 || !matches(a.match, key)) continue;
      if (out.some((f) => f.kind === a.fault.kind)) continue;
      out.push(a.fault);
      a.remaining -= 1;
    }
    this.armed = this.armed.filter((a) => a.remaining > 0);
    return out;
  }
}

function matches(pattern: string, key: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return key.startsWith(pattern.slice(0, -1));
  return pattern === key;
}
