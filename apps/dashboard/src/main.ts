// The trader's window: a static page served by the bot's own server (same origin), every figure
// from /api, live updates from /api/events. No framework: one module per pane (./panes).
import { api, whenUnauthorized, type SessionState, type StatusView } from './api';
import { byTestId } from './dom';
import { refreshBots } from './panes/bots';
import { cancelOrder, forceExit, notify, syncControls, wireControls } from './panes/controls';
import { refreshDecisions } from './panes/decisions';
import { refreshEquity } from './panes/equity-chart';
import { wireLogin } from './panes/login';
import { refreshPositions } from './panes/positions';
import { refreshPriceChart } from './panes/price-chart';
import { refreshSafety } from './panes/safety';
import { refreshStatus } from './panes/status';
import { refreshTrades } from './panes/trades';

let events: EventSource | null = null;
let symbol: string | null = null;
let timer: number | null = null;

/** Refreshes every pane; a pane that fails shows the error in the notice and leaves the others. */
async function refreshAll(): Promise<void> {
  let status: StatusView | null = null;
  const tasks: Promise<unknown>[] = [
    refreshStatus().then((s) => {
      status = s;
      symbol ??= s.orchestrator.symbols[0] ?? null;
      syncControls(s);
    }),
    refreshPositions(
      (sym) => forceExit(sym, soon),
      (id) => cancelOrder(id, soon),
    ),
    refreshTrades(),
    refreshEquity(),
    refreshDecisions(),
    refreshSafety(),
    refreshBots(),
  ];
  const results = await Promise.allSettled(tasks);
  if (symbol) results.push(...(await Promise.allSettled([refreshPriceChart(symbol)])));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed && status) notify(String(failed.reason), 'error');
  document.body.dataset['refreshed'] = String(Number(document.body.dataset['refreshed'] ?? '0') + 1);
}

/** Many events in a burst (a fill publishes several) cause one refresh. */
function soon(): void {
  if (timer !== null) return;
  timer = window.setTimeout(() => {
    timer = null;
    void refreshAll();
  }, 250);
}

function showApp(s: SessionState): void {
  byTestId('login-view').hidden = true;
  byTestId('app').hidden = false;
  byTestId('whoami').textContent = s.required ? (s.label ?? 'logged in') : 'open (no API_TOKEN: loopback paper mode)';
  byTestId('logout').hidden = !s.required;
  void refreshAll();
  events?.close();
  events = new EventSource('/api/events');
  // Whatever the bot publishes (orders, fills, halts, reconcile passes) may change a pane.
  for (const topic of [
    'trade.completed',
    'trade.blocked',
    'trade.failed',
    'order.submitted',
    'order.filled',
    'order.canceled',
    'order.rejected',
    'safety.halted',
    'safety.resumed',
    'safety.dms_tripped',
    'reconcile.completed',
    'reconcile.mismatch',
  ])
    events.addEventListener(topic, soon);
  events.addEventListener('ready', () => (byTestId('live').dataset['live'] = 'true'));
  events.onerror = () => (byTestId('live').dataset['live'] = 'false');
}

function showLogin(): void {
  events?.close();
  events = null;
  byTestId('app').hidden = true;
  byTestId('login-view').hidden = false;
  byTestId('live').dataset['live'] = 'false';
}

async function boot(): Promise<void> {
  whenUnauthorized(showLogin);
  wireLogin(showApp, showLogin);
  wireControls(soon);
  const s = await api.get<SessionState>('/api/session');
  if (s.authenticated) showApp(s);
  else showLogin();
  // The replay moves on between events too (candles, marks): a slow refresh keeps the charts current.
  window.setInterval(() => {
    if (!byTestId('app').hidden) void refreshAll();
  }, 10_000);
}

void boot();
