/**
 * Work a store does off the trading path. SQLite: a WAL checkpoint, which otherwise runs inside
 * whichever commit crosses the WAL's size threshold — an order's, adding milliseconds to it.
 * The orchestrator runs it on the reconcile loop; a store without it simply has none.
 */
export interface StorageHousekeeping {
  checkpoint(): Promise<void>;
}
