import type { RiskViolation } from '@cab/domain';
import type { AuditValue } from '../ports/audit-log';

/**
 * A risk verdict's violations as audit data, one object per refused rule: its code, its message, and
 * the threshold (`limit`) and the value it observed (`observed`) as decimal strings when the rule
 * compares a number. The loop pipeline's risk audit entry carries them and the dashboard's decisions
 * pane reads them back as a table; the trading core reports the same in its `risk` Publish fact
 * (docs/core.md: one event vocabulary for audit, bus, alerts and metrics).
 */
export function violationsData(violations: readonly RiskViolation[]): AuditValue[] {
  return violations.map((v) => ({
    code: v.code,
    message: v.message,
    ...(v.limit === undefined ? {} : { limit: v.limit }),
    ...(v.observed === undefined ? {} : { observed: v.observed }),
  }));
}
