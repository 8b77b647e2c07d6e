import { errorText } from '@cab/application';

export interface HealthProbe {
  healthy: boolean;
  /** One line for the operator: "ok (status ok, 4 components)" or why it is unhealthy. */
  line: string;
  httpStatus: number | null;
  body: unknown;
}

/**
 * One GET of a /health URL. Unhealthy: unreachable, a timeout, an HTTP error status, a body that
 * is not the health JSON, or status "down". "degraded" (a non-critical component failing) is
 * healthy but said so.
 */
export async function probeHealth(url: string, timeoutMs: number, fetchFn: typeof fetch = fetch): Promise<HealthProbe> {
  let res: Response;
  try {
    res = await fetchFn(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
  } catch (e) {
    const timedOut = (e as { name?: string }).name === 'TimeoutError';
    return { healthy: false, line: timedOut ? `no answer within ${timeoutMs} ms` : `unreachable: ${causeText(e)}`, httpStatus: null, body: null };
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    return { healthy: false, line: `HTTP ${res.status}, body is not JSON`, httpStatus: res.status, body: null };
  }
  const b = body as { status?: unknown; components?: { name: string; status: string; detail: string | null }[] };
  const status = typeof b.status === 'string' ? b.status : 'unknown';
  const bad = (b.components ?? []).filter((c) => c.status !== 'ok').map((c) => `${c.name} ${c.status}${c.detail ? ` (${c.detail})` : ''}`);
  const detail = `${status}${bad.length ? `: ${bad.join(', ')}` : ''}`;
  const healthy = res.ok && (status === 'ok' || status === 'degraded');
  return { healthy, line: `${healthy ? 'healthy' : 'UNHEALTHY'} HTTP ${res.status} ${detail}`, httpStatus: res.status, body };
}

function causeText(e: unknown): string {
  const cause = (e as { cause?: unknown }).cause;
  return cause ? errorText(cause) : errorText(e);
}

export interface MonitorOptions {
  url: string;
  timeoutMs: number;
  /** Seconds between probes. */
  intervalSec: number;
  /** Stop after this many probes (default: until unhealthy). */
  count?: number;
  /** Waits between probes. Default: a referenced setTimeout, so the pause keeps the process alive (unlike the unref'd systemTimers). */
  sleep?: (ms: number) => Promise<void>;
  now: () => number;
  print: (line: string) => void;
  fetchFn?: typeof fetch;
}

/** Polls until the first unhealthy probe (exit 1) or `count` healthy probes (exit 0). */
export async function monitorHealth(o: MonitorOptions): Promise<number> {
  for (let n = 1; ; n++) {
    const p = await probeHealth(o.url, o.timeoutMs, o.fetchFn);
    o.print(`${new Date(o.now()).toISOString()} ${p.line}`);
    if (!p.healthy) return 1;
    if (o.count !== undefined && n >= o.count) return 0;
    await (o.sleep ?? sleep)(o.intervalSec * 1000);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
