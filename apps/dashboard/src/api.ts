// The one way the page talks to the server: same origin, the session cookie, and on every state
// change the custom header the server's CSRF check requires (libs/infrastructure/src/driving/http/session-auth.ts).

export const CSRF_HEADER = 'x-cab-csrf';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let onUnauthorized: () => void = () => undefined;
/** Called when the server answers 401 (logged out elsewhere, session expired): the page shows the login. */
export function whenUnauthorized(f: () => void): void {
  onUnauthorized = f;
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') headers[CSRF_HEADER] = '1';
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  const json = text ? (JSON.parse(text) as unknown) : {};
  if (!res.ok) {
    const e = (json as { error?: { code?: string; message?: string } }).error;
    if (res.status === 401 && path !== '/api/session') onUnauthorized();
    throw new ApiError(res.status, e?.code ?? `HTTP.${res.status}`, e?.message ?? res.statusText);
  }
  return json as T;
}

export const api = {
  get: <T>(path: string): Promise<T> => call<T>('GET', path),
  post: <T>(path: string, body: unknown = {}): Promise<T> => call<T>('POST', path, body),
  del: <T>(path: string): Promise<T> => call<T>('DELETE', path),
};

// The shapes the server answers (libs/infrastructure/src/driving/http/*.ts); amounts are decimal strings.
export interface SessionState {
  required: boolean;
  authenticated: boolean;
  label?: string;
}
export interface LoopStatus {
  intervalMs: number;
  runs: number;
  errors: number;
  lastRunAt: number | null;
  lastError: string | null;
  running: boolean;
}
export interface StatusView {
  mode: string;
  version: string;
  orchestrator: { state: string; trading: string; haltReasons: string[]; symbols: string[]; startedAt: number | null; loops: Record<string, LoopStatus> };
  halts: { code: string; level: string; reason: string; since: number }[];
  health: { status: string; components: { name: string; status: string; detail?: string; critical?: boolean }[] };
}
/** GET /api/bots: every bot of the database (libs/infrastructure/src/driving/http/dashboard-read-models.ts). */
export interface BotsView {
  current: string;
  bots: { botId: string; lastActivity: number | null; orders: number; fills: number; openPositions: number; current: boolean }[];
}
export interface PositionView {
  symbol: string;
  baseQty: string;
  avgEntry: string;
  realizedPnl: string;
  stopPrice: string | null;
  trailingStopPrice: string | null;
  markPrice: string | null;
  unrealizedPnl: string | null;
  openedAt: number | null;
}
export interface TradeView {
  clientOrderId: string;
  symbol: string;
  side: string;
  status: string;
  filledBase: string;
  filledQuote: string;
  averagePrice: string | null;
  fee: string;
  feeCurrency: string | null;
  reason: string | null;
  createdAt: number;
  updatedAt: number;
}
export interface PnlView {
  date: string;
  totals: { feesQuote: string; realizedQuote: string; netQuote: string; unrealizedQuote: string; closedTrades: number; winRate: string | null };
}
export interface PerformanceView {
  equity: { ts: number; value: string }[];
  allTime: { realizedQuote: string; feesQuote: string; netQuote: string; closedTrades: number; wins: number; losses: number; winRate: string | null };
}
export interface ChartView {
  symbol: string;
  candles: { ts: number; open: number; high: number; low: number; close: number }[];
  markers: { ts: number; side: string; price: string; clientOrderId: string; reason: string | null }[];
  stopPrice: string | null;
  trailingStopPrice: string | null;
  avgEntry: string | null;
}
export interface DecisionView {
  ts: number;
  symbol: string | null;
  action: string;
  strategy: string | null;
  signalReasons: string[];
  risk: { ok: boolean; side: string; refusals: RefusalView[]; limits: Record<string, string> } | null;
}
/** One refused rule; `limit` and `observed` are decimal strings in the rule's unit, null when it has none. */
export interface RefusalView {
  rule: string;
  message: string;
  limit: string | null;
  observed: string | null;
}
export interface BalanceView {
  symbol: string;
  base: string;
  quote: string;
  freeBase: string;
  usedBase: string;
  freeQuote: string;
  usedQuote: string;
}
export interface SafetyView {
  reconcile: {
    lastPass: { symbol: string; at: number; checked: number; mismatches: number; repaired: number }[];
    drift: { at: number; symbol: string; kind: string; subject: string; detail: string }[];
  };
  deadMansSwitch: {
    timeoutMs: number;
    symbols: { symbol: string; armed: boolean; lastRefreshAt: number | null; deadline: number | null; lastError: string | null }[];
    lastTrip: string | null;
  };
  watchdog: { lastHeartbeatAt: number | null };
  lock: { holder: string; since: number } | null;
  deadLetters: { stored: number; sinceStart: number };
}
