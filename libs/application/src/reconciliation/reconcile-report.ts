/** What one reconcile pass found (`cab reconcile` prints it; CoreRuntime.reconcileNow answers it). */
export interface ReconcileFindings {
  checked: number;
  mismatches: number;
  repaired: number;
  /** Mismatches beyond tolerance: they halt entries until a clean pass. */
  halting: string[];
  /** Lookups that failed: the pass is not clean, but nothing is concluded. */
  errors: string[];
}
