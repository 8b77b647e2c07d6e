import type { Clock } from '@cab/domain';
import type { Broker } from '../ports/broker';
import type { MarketData } from '../ports/market-data';
import type { OrchestratorStatus } from '../core/runtime-status';
import type { ComponentCheck } from './health-checker';

/** DB: a cheap read through the storage ports (critical). */
export function databaseCheck(ping: () => Promise<unknown>): ComponentCheck {
  return {
    name: 'db',
    critical: true,
    async check() {
      await ping();
      return { status: 'ok' };
    },
  };
}

/**
 * Broker reachability (critical): the ticker of the first symbol (public) and its balance — a
 * SIGNED read, so a wrong key or secret, or a clock the venue refuses, shows here as down with the
 * venue's reason instead of a healthy broker beside a halted bot.
 */
export function brokerCheck(broker: Broker, symbol: string): ComponentCheck {
  return {
    name: 'broker',
    critical: true,
    async check() {
      const t = await broker.fetchTicker(symbol);
      if (!t.ok)
        return { status: t.error.kind === 'retryable' ? 'degraded' : 'down', detail: `${broker.name}: ${t.error.kind} ${t.error.code}: ${t.error.message}` };
      const b = await broker.fetchBalance(symbol);
      if (b.ok) return { status: 'ok', detail: broker.name };
      const e = b.error;
      const what =
        e.kind === 'fatal' && e.refusal === 'auth'
          ? 'API key or secret refused'
          : e.kind === 'fatal' && e.refusal === 'clock'
            ? 'request time refused (clock)'
            : 'signed read failed';
      return { status: e.kind === 'retryable' ? 'degraded' : 'down', detail: `${broker.name}: ${what}: ${e.kind} ${e.code}: ${e.message}` };
    },
  };
}

/**
 * Market data freshness: the newest closed candle must be younger than `maxCandles` timeframes
 * (critical: a bot deciding on stale data is worse than one that stops).
 */
export function marketDataCheck(md: MarketData, symbols: readonly string[], clock: Clock, maxCandles = 3): ComponentCheck {
  return {
    name: 'market_data',
    critical: true,
    async check() {
      const stale: string[] = [];
      for (const s of symbols) {
        const c = await md.candles(s, 1);
        if (!c.ok) return { status: 'down', detail: `${s}: ${c.error.code}: ${c.error.message}` };
        const last = c.value[c.value.length - 1];
        const tf = md.timeframeMs(s);
        if (!last) stale.push(`${s}: no candle yet`);
        else if (clock.now() - (last.ts + tf) > maxCandles * tf)
          stale.push(`${s}: last candle closed ${Math.round((clock.now() - last.ts - tf) / 1000)} s ago`);
      }
      return stale.length === 0 ? { status: 'ok', detail: md.name } : { status: 'degraded', detail: stale.join('; ') };
    },
  };
}

/**
 * Loop liveness from the orchestrator's status: when running, every loop must have run within
 * `staleFactor` intervals (plus the last run's duration). Stopped is not an error (ok, "stopped");
 * a halted trading state is degraded, with its reasons.
 */
export function loopsCheck(status: () => OrchestratorStatus, clock: Clock, staleFactor = 3): ComponentCheck {
  return {
    name: 'loops',
    critical: true,
    async check() {
      const s = status();
      if (s.state !== 'running') return { status: 'ok', detail: s.state };
      const now = clock.now();
      const late: string[] = [];
      for (const [name, l] of Object.entries(s.loops)) {
        // Since the (re)start at the earliest: a loop stopped for a while is not late once restarted.
        const since = Math.max(l.lastRunAt ?? 0, s.startedAt ?? now);
        if (now - since > staleFactor * l.intervalMs + (l.lastDurationMs ?? 0)) late.push(`${name} last ran ${Math.round((now - since) / 1000)} s ago`);
      }
      if (late.length > 0) return { status: 'down', detail: late.join('; ') };
      // `reducing` is only ever set by the risk rules (loss streak, daily loss, drawdown): entries
      // paused as configured, exits running — the bot is healthy and ready. A halt is not.
      if (s.trading === 'reducing') return { status: 'ok', detail: `entries paused: ${s.haltReasons.join('; ')}` };
      if (s.trading !== 'active') return { status: 'degraded', detail: `trading ${s.trading}: ${s.haltReasons.join('; ')}` };
      return { status: 'ok' };
    },
  };
}
