import type { RehearsalResult } from './rehearsal';

/** The summary table the run ends with: every counter, then PASS or FAIL and why. */
export function summaryTable(r: RehearsalResult): string {
  const f = r.findings;
  const faults = Object.entries(r.faultsInjected)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const rows: Array<[string, string, string]> = [
    ['cycles', `${r.cycles} of ${r.cyclesAsked}`, r.cycles === r.cyclesAsked ? 'ok' : 'FAIL'],
    ['kill -9 around an order send / otherwise', `${r.killsAroundOrderSend} / ${r.killsOnTimer}`, ''],
    ['starts that failed (then killed)', String(r.startFailures), ''],
    ['faults injected', faults || 'none', ''],
    ['order requests (POST /spot/orders)', String(r.orderRequests), ''],
    ['venue orders / venue trades', `${f.venueOrders} / ${f.venueTrades}`, ''],
    ['duplicates', String(f.duplicates.length), f.duplicates.length === 0 ? 'ok' : 'FAIL'],
    ['lost fills (venue trades not in fills)', String(f.lostFills.length), f.lostFills.length === 0 ? 'ok' : 'FAIL'],
    [
      'position vs venue balance',
      `bot ${f.positionBase}, venue change ${f.venueBaseChange}, difference ${f.positionDifference} (dust ${f.dust})`,
      f.positionOk ? 'ok' : 'FAIL',
    ],
    ['venue orders unknown to the bot', String(f.unknownVenueOrders.length), ''],
    ['safety pane armed in a live cycle (GET /api/safety)', r.safetyPanelArmed ? 'yes' : 'no', r.safetyPanelArmed ? 'ok' : 'FAIL'],
    ['recovers from failed market loads, no restart', r.marketLoadRecovered ? 'yes' : 'no', r.marketLoadRecovered ? 'ok' : 'FAIL'],
    ['final reconcile settled', r.settled ? 'yes' : 'no', r.settled ? 'ok' : 'FAIL'],
    ['operator halt survives kill -9', r.operatorHaltSurvivedKill === null ? 'not measured' : r.operatorHaltSurvivedKill ? 'yes' : 'no', ''],
    [
      'halts at kill time (cycles)',
      Object.entries(r.haltsAtKill)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ') || 'none',
      '',
    ],
    ['halts still active', r.haltsActive.length === 0 ? 'none' : r.haltsActive.join('; '), ''],
  ];
  const w0 = Math.max(...rows.map((x) => x[0].length));
  const lines = rows.map(([a, b, c]) => `${a.padEnd(w0)}  ${b}${c ? `  [${c}]` : ''}`);
  for (const d of f.duplicates.slice(0, 10)) lines.push(`  duplicate ${d.kind} ${d.key}: venue orders ${d.venueOrderIds.join(', ')}`);
  if (f.lostFills.length > 0) lines.push(`  lost fills (first 10): ${f.lostFills.slice(0, 10).join(', ')}`);
  for (const p of r.problems) lines.push(`  problem: ${p}`);
  lines.push(`${r.passed ? 'PASS' : 'FAIL'}: seed ${r.seed}, ${r.minutes} min; work folder ${r.workDir}`);
  return lines.join('\n');
}
