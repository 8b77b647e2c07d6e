/**
 * What GET /api/safety must show while a live bot trades (the dashboard's safety pane, libs/infrastructure
 * README `http/`): the dead man's switch armed on the pair with a deadline still ahead and a recent
 * refresh, the instance lock held by this very bot process, and a reconcile pass recorded for the pair.
 * Pure: the probe (safety-probe.ts) fetches, this judges; safety-check.spec.ts proves each check bites.
 */

/** The parts of /api/safety's answer the checks read (SafetyTracker's snapshot plus the lock). */
export interface SafetyView {
  reconcile?: { lastPass?: Array<{ symbol?: string; at?: number }> };
  deadMansSwitch?: {
    timeoutMs?: number;
    symbols?: Array<{ symbol?: string; armed?: boolean; lastRefreshAt?: number | null; deadline?: number | null; lastError?: string | null }>;
  };
  lock?: { holder?: string; since?: number } | null;
}

export interface SafetyExpectation {
  symbol: string;
  /** The bot process's pid: the lock must name it (`pid N on host`). */
  pid: number;
  /** Wall time of the answer (epoch ms). */
  now: number;
  /**
   * How old the switch's last refresh may be. The watchdog refreshes it every WATCHDOG_INTERVAL_SEC
   * (1 s in the rehearsal); the ceiling is generous so a loaded machine never fails it by speed.
   */
  recentMs: number;
}

/** Every way the view falls short, as lines for the rehearsal's problems; empty when the panel is armed. */
export function safetyProblems(view: SafetyView, want: SafetyExpectation): string[] {
  const problems: string[] = [];
  const dms = view.deadMansSwitch?.symbols?.find((s) => s.symbol === want.symbol);
  if (!dms) problems.push(`dead man's switch: no entry for ${want.symbol}`);
  else {
    if (dms.armed !== true) problems.push(`dead man's switch on ${want.symbol} not armed${dms.lastError ? ` (last error: ${dms.lastError})` : ''}`);
    if (typeof dms.deadline !== 'number' || dms.deadline <= want.now)
      problems.push(`dead man's switch on ${want.symbol}: deadline ${String(dms.deadline)} is not in the future (now ${want.now})`);
    if (typeof dms.lastRefreshAt !== 'number' || want.now - dms.lastRefreshAt > want.recentMs)
      problems.push(`dead man's switch on ${want.symbol}: last refresh ${String(dms.lastRefreshAt)} is not within ${want.recentMs} ms of now (${want.now})`);
  }
  const holder = view.lock?.holder;
  if (typeof holder !== 'string') problems.push('instance lock: not held (lock is null)');
  else if (!holder.startsWith(`pid ${want.pid} `)) problems.push(`instance lock: held by "${holder}", not by the bot's pid ${want.pid}`);
  if (!view.reconcile?.lastPass?.some((p) => p.symbol === want.symbol && typeof p.at === 'number'))
    problems.push(`reconcile: no pass recorded for ${want.symbol}`);
  return problems;
}
