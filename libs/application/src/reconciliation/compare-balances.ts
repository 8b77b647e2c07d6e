import { ZERO, str } from '@cab/domain';
import type { BalanceDTO } from '../ports/broker';

export interface BalanceIssue {
  subject: string;
  expected: string;
  actual: string;
  detail: string;
  /** Halting issues stop entries until a clean pass. */
  halting: boolean;
}

/**
 * Free base and quote as the exchange reports them, against what the bot expects. Pure.
 *  - a negative amount is impossible: the venue's answer is not to be trusted → halt;
 *  - funds locked (`used`) while we have no open order: an order we do not know holds them (the
 *    orders reconciler adopts open orders, so this persists only for another bot's orders) → report.
 */
export function compareBalances(b: BalanceDTO, localOpenOrders: number): BalanceIssue[] {
  const issues: BalanceIssue[] = [];
  for (const [subject, v] of [
    [`${b.base} free`, b.freeBase],
    [`${b.base} used`, b.usedBase],
    [`${b.quote} free`, b.freeQuote],
    [`${b.quote} used`, b.usedQuote],
  ] as const) {
    if (v.lt(ZERO)) issues.push({ subject, expected: '>= 0', actual: str(v), detail: 'negative balance reported', halting: true });
  }
  if (localOpenOrders === 0) {
    if (b.usedBase.gt(ZERO))
      issues.push({
        subject: `${b.base} used`,
        expected: '0',
        actual: str(b.usedBase),
        detail: 'base locked by an order the bot does not know',
        halting: false,
      });
    if (b.usedQuote.gt(ZERO))
      issues.push({
        subject: `${b.quote} used`,
        expected: '0',
        actual: str(b.usedQuote),
        detail: 'quote locked by an order the bot does not know',
        halting: false,
      });
  }
  return issues;
}
