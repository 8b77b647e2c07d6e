import { approx, dec, ZERO, type Decimal } from '@cab/domain';
import type { BotApp } from '../compose/compose';
import { performanceReport, type PriceSource } from '../reports/performance-report';
import type { PromMetrics } from '../../driven/metrics/prom-metrics';

/** The last price from the bot's market data source (what the pipeline itself sees), or null. */
export function marketDataPrices(app: Pick<BotApp, 'marketData'>): PriceSource {
  return async (symbol) => {
    const t = await app.marketData.ticker(symbol);
    return t.ok ? t.value.last : null;
  };
}

/**
 * The business gauges the pipeline does not emit itself, read from state at scrape time (so they
 * are exact as of the scrape and cost nothing between scrapes): loop last-run times, orchestrator
 * state, position and PnL per symbol, equity, DLQ size; plus counters of completed and blocked
 * trades from the bus. Returns the unsubscribe for the bus subscriptions.
 */
export function attachBusinessMetrics(app: BotApp, metrics: PromMetrics): () => void {
  const prices = marketDataPrices(app);
  const offCompleted = app.bus.subscribe('trade.completed', 'metrics', (e) =>
    metrics.counter('cab_trades_completed_total', { symbol: e.symbol, side: e.side }),
  );
  const offBlocked = app.bus.subscribe('trade.blocked', 'metrics', (e) => metrics.counter('cab_trades_blocked_total', { symbol: e.symbol }));

  metrics.onScrape(async () => {
    const status = app.orchestrator.status();
    metrics.gauge('cab_orchestrator_running', status.state === 'running' ? 1 : 0);
    for (const [loop, l] of Object.entries(status.loops)) {
      if (l.lastRunAt !== null) metrics.gauge('cab_loop_last_run_timestamp_seconds', l.lastRunAt / 1000, { loop });
    }
  });
  metrics.onScrape(async () => metrics.gauge('cab_dlq_size', await app.storage.dlq.count()));

  // What the alerts need (docs/metrics.md "Required by alerts"):
  // - the time of the last completed reconcile pass (ReconcileStale);
  const offReconciled = app.bus.subscribe('reconcile.completed', 'metrics', (e) => metrics.gauge('cab_reconcile_last_success_timestamp_seconds', e.ts / 1000));
  // - the exchange circuit breaker (ExchangeCircuitOpen): GateVenue has one, the paper broker none;
  const breaker = app.broker as { circuitState?: () => string };
  metrics.onScrape(async () => metrics.gauge('cab_broker_circuit_open', breaker.circuitState && breaker.circuitState() !== 'closed' ? 1 : 0));
  // - today's loss against its limit (DailyLossNearLimit), rebuilt from the day's fills with the
  //   domain's own PnL code, as the daily-loss rule counts it (realized PnL and fees; 0 in profit).
  metrics.gauge('cab_risk_daily_loss_limit_quote', approx(dec(app.settings.risk.dailyLossLimitQuote)));
  metrics.onScrape(async () => {
    const day = await performanceReport({ fills: app.storage.fills, symbols: app.settings.symbols, day: app.clock.now() });
    const net = dec(day.totals.netQuote);
    metrics.gauge('cab_risk_daily_loss_quote', net.lt(ZERO) ? approx(net.neg()) : 0);
  });
  metrics.onScrape(async () => {
    let equity: Decimal | null = null;
    let quoteCounted = false;
    for (const symbol of app.settings.symbols) {
      const p = await app.storage.positions.get(symbol);
      const price = await prices(symbol);
      const base = p?.baseQty ?? ZERO;
      metrics.gauge('cab_position_base', approx(base), { symbol });
      metrics.gauge('cab_pnl_realized_quote', approx(p?.realizedPnl ?? ZERO), { symbol });
      if (p && price) metrics.gauge('cab_pnl_unrealized_quote', approx(base.times(price).minus(base.times(p.avgEntry))), { symbol });
      const bal = await app.broker.fetchBalance(symbol);
      if (!bal.ok || !price) continue;
      // Every symbol here shares the quote currency (USDT): count the free quote once.
      const b = bal.value;
      equity = (equity ?? ZERO).plus(b.freeBase.plus(b.usedBase).times(price)).plus(quoteCounted ? ZERO : b.freeQuote.plus(b.usedQuote));
      quoteCounted = true;
    }
    if (equity) metrics.gauge('cab_equity_quote', approx(equity));
  });
  return () => {
    offCompleted();
    offBlocked();
    offReconciled();
  };
}
