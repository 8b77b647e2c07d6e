import type { ReconcileScope } from '../events/topics';
import type { PipelineDeps } from '../pipeline/deps';
import { PIPELINE_METRICS } from '../pipeline/metric-names';

/** What one reconciler found in one pass. */
export interface ReconcileFindings {
  checked: number;
  mismatches: number;
  repaired: number;
  /** Mismatches beyond tolerance: they halt entries until a clean pass. */
  halting: string[];
  /** Lookups that failed: the pass is not clean, but nothing is concluded. */
  errors: string[];
}

export const noFindings = (): ReconcileFindings => ({ checked: 0, mismatches: 0, repaired: 0, halting: [], errors: [] });

export function mergeFindings(a: ReconcileFindings, b: ReconcileFindings): ReconcileFindings {
  return {
    checked: a.checked + b.checked,
    mismatches: a.mismatches + b.mismatches,
    repaired: a.repaired + b.repaired,
    halting: [...a.halting, ...b.halting],
    errors: [...a.errors, ...b.errors],
  };
}

/** Publishes, audits and counts mismatches and repairs in one place, so every reconciler reports alike. */
export class ReconcileReporter {
  constructor(private readonly deps: PipelineDeps) {}

  async mismatch(
    symbol: string,
    scope: ReconcileScope,
    m: { subject: string; expected: string; actual: string; detail: string },
    correlationId: string,
  ): Promise<void> {
    this.deps.metrics.counter(PIPELINE_METRICS.reconcileMismatches, { symbol, scope });
    this.deps.logger.warn('reconcile mismatch', { symbol, scope, ...m });
    this.deps.bus.emit('reconcile.mismatch', { symbol, scope, ...m }, correlationId);
    await this.deps.stores.audit.record({
      ts: this.deps.clock.now(),
      kind: 'reconcile',
      symbol,
      correlationId,
      summary: `mismatch ${scope} ${m.subject}: expected ${m.expected}, exchange ${m.actual} (${m.detail})`,
      data: { scope, ...m },
    });
  }

  async repaired(symbol: string, scope: ReconcileScope, subject: string, action: string, correlationId: string): Promise<void> {
    this.deps.metrics.counter(PIPELINE_METRICS.reconcileRepairs, { symbol, scope });
    this.deps.logger.info('reconcile repair', { symbol, scope, subject, action });
    this.deps.bus.emit('reconcile.repaired', { symbol, scope, subject, action }, correlationId);
    await this.deps.stores.audit.record({
      ts: this.deps.clock.now(),
      kind: 'reconcile',
      symbol,
      correlationId,
      summary: `repaired ${scope} ${subject}: ${action}`,
      data: { scope, subject, action },
    });
  }
}
