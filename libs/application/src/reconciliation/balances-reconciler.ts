import type { BalanceDTO } from '../ports/broker';
import type { PipelineDeps } from '../pipeline/deps';
import { compareBalances } from './compare-balances';
import { noFindings, type ReconcileFindings, type ReconcileReporter } from './reconcile-report';

/**
 * Free base and quote vs what the bot expects (see compareBalances). Non-halting issues are
 * reported once per distinct value, so a standing condition does not flood the alerts.
 */
export class BalancesReconciler {
  private readonly reported = new Map<string, string>();

  constructor(
    private readonly deps: PipelineDeps,
    private readonly reporter: ReconcileReporter,
  ) {}

  async reconcile(symbol: string, balance: BalanceDTO, correlationId: string): Promise<ReconcileFindings> {
    const f = noFindings();
    f.checked = 1;
    const open = await this.deps.stores.orders.open(symbol);
    const issues = compareBalances(balance, open.length);
    const seen = new Set<string>();
    for (const issue of issues) {
      const key = `${symbol}|${issue.subject}`;
      seen.add(key);
      if (issue.halting) f.halting.push(`balance ${symbol} ${issue.subject}: ${issue.detail}`);
      else if (this.reported.get(key) === issue.actual) continue;
      this.reported.set(key, issue.actual);
      f.mismatches++;
      await this.reporter.mismatch(symbol, 'balance', issue, correlationId);
    }
    for (const key of [...this.reported.keys()]) if (key.startsWith(`${symbol}|`) && !seen.has(key)) this.reported.delete(key);
    return f;
  }
}
