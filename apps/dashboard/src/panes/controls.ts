import { api, ApiError, type StatusView } from '../api';
import { byTestId } from '../dom';

type Refresh = () => void;

/** Shows what an action did or why it was refused, in the page (never an alert box). */
export function notify(text: string, kind: 'ok' | 'error' = 'ok'): void {
  const n = byTestId('notice');
  n.textContent = text;
  n.className = `notice ${kind}`;
  n.hidden = false;
}

/** `done` is the notice on success: a text, or one built from the action's result (what the venue said). */
async function act(path: string, body: unknown, done: string | ((result: unknown) => string), refresh: Refresh): Promise<void> {
  try {
    const r = await api.post<{ result?: unknown }>(path, body);
    notify(typeof done === 'string' ? done : done(r.result));
  } catch (e) {
    notify(e instanceof ApiError ? `${e.code}: ${e.message}` : String(e), 'error');
  } finally {
    refresh();
  }
}

/** start, stop, stop entries, resume: one button each, wired to /api/control/*. */
export function wireControls(refresh: Refresh): void {
  byTestId('start').addEventListener('click', () => void act('/api/control/start', {}, 'started', refresh));
  byTestId('stop').addEventListener('click', () => void act('/api/control/stop', {}, 'stopped (loops finished their step)', refresh));
  byTestId('stop-entries').addEventListener('click', () => void act('/api/control/stop-entries', {}, 'entries stopped: exits keep running', refresh));
  byTestId('resume').addEventListener('click', () => void act('/api/control/resume', {}, 'resumed (operator halts cleared)', refresh));
}

/** A force exit sells the whole position at market: the page asks first. */
export function forceExit(symbol: string, refresh: Refresh): void {
  if (!window.confirm(`Sell the whole ${symbol} position at market now?`)) return;
  void act('/api/control/force-exit', { symbol }, `force exit of ${symbol} sent`, refresh);
}

/**
 * Cancels that one open order at the venue (the pair's other orders stay), then the bot settles the
 * venue's answer: asked first too. The notice says the status the venue reported — a cancel that came
 * too late says "filled".
 */
export function cancelOrder(clientOrderId: string, refresh: Refresh): void {
  if (!window.confirm(`Cancel order ${clientOrderId}?`)) return;
  const said = (r: unknown) => {
    const status = (r as { status?: unknown } | undefined)?.status;
    return `order ${clientOrderId}: ${typeof status === 'string' ? status : 'cancel sent'}`;
  };
  void act('/api/control/cancel', { clientOrderId }, said, refresh);
}

/** Buttons that make no sense in the current state are disabled (the server refuses them anyway). */
export function syncControls(s: StatusView): void {
  const running = s.orchestrator.state === 'running' || s.orchestrator.state === 'starting';
  byTestId<HTMLButtonElement>('start').disabled = running;
  byTestId<HTMLButtonElement>('stop').disabled = !running;
  byTestId<HTMLButtonElement>('stop-entries').disabled = s.halts.some((h) => h.code === 'OPERATOR.ENTRIES');
}
