/** What an edge adapter (MarketDataPump, ReconcilePump) says when it could not turn its I/O into an event. */
export interface EdgeStatus {
  readonly source: 'market-data' | 'reconcile';
  readonly symbol: string;
  /** `ok` after a problem cleared; `stale`: data too old; `gap`: a candle missing; `unavailable`: the read failed. */
  readonly state: 'ok' | 'stale' | 'gap' | 'unavailable';
  readonly detail: string;
  /** The clock's time of the poll. */
  readonly at: number;
}
