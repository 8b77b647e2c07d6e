import { api, type SafetyView } from '../api';
import { byTestId, el, facts, fill, table } from '../dom';
import { duration, utc } from '../format';

/** Reconcile's last pass and drift, the dead man's switch, the instance lock, dead letters. */
export async function refreshSafety(): Promise<void> {
  const s = await api.get<SafetyView>('/api/safety');
  const dms = s.deadMansSwitch;
  fill(
    byTestId('safety'),
    facts([
      ['instance lock', s.lock ? `${s.lock.holder} since ${utc(s.lock.since)}` : 'none (paper mode takes no account lock)'],
      ['dead letters', `${s.deadLetters.stored} stored, ${s.deadLetters.sinceStart} since start`],
      ['watchdog', `last heartbeat ${utc(s.watchdog.lastHeartbeatAt)}`],
      ["dead man's switch", `timeout ${duration(dms.timeoutMs)}${dms.lastTrip ? ` · last trip: ${dms.lastTrip}` : ''}`],
    ]),
    table(
      ['symbol', 'armed', 'last refresh', 'deadline', 'error'],
      dms.symbols.map((c) => [c.symbol, c.armed ? 'armed' : 'disarmed', utc(c.lastRefreshAt), utc(c.deadline), c.lastError ?? '']),
      'not armed yet',
    ),
    el('h3', {}, 'reconcile'),
    table(
      ['symbol', 'last pass', 'checked', 'drift found', 'repaired'],
      s.reconcile.lastPass.map((p) => [p.symbol, utc(p.at), String(p.checked), String(p.mismatches), String(p.repaired)]),
      'no pass yet',
    ),
    table(
      ['time', 'symbol', 'drift', 'subject', 'detail'],
      s.reconcile.drift.map((d) => [utc(d.at), d.symbol, d.kind, d.subject, d.detail]),
      'no drift since start',
    ),
  );
}
