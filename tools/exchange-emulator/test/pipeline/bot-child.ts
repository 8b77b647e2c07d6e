/**
 * A test-only bot process for the crash specs: the real composition (compose() in live mode with
 * GateVenue against the emulator, SQLite file, instance lock), driven over IPC.
 *
 *   argv: <mode> <dbPath> <emulatorUrl> <lockDir>
 *   mode = crash-after-send: start, evaluate once with a buy signal, and SIGKILL itself right after
 *          the exchange accepted the order, before the answer is saved (the crash point lives here,
 *          in a wrapper around the broker, never in production code);
 *   mode = restart:          start (reconcile first), report orders/position/status, exit;
 *   mode = hold:             start, report 'ready', then wait to be killed (a live instance).
 */
import * as fs from 'node:fs';
import type { Broker, MarketData } from '@cab/application';
import { dec, type Signal, type Strategy, type StrategyFactory } from '@cab/domain';
import { GateVenue, ComposeError, compose, parseSettings } from '@cab/infrastructure';

// Not the testing entry's ScriptedMarketData: that module loads jest's globals, absent in a child.
const PRICE = '50000';
const market: MarketData = {
  name: 'fixed',
  timeframeMs: () => 60_000,
  async candles(_symbol, limit) {
    const last = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
    const n = Math.max(1, limit);
    return {
      ok: true,
      value: Array.from({ length: n }, (_, i) => ({ ts: last - (n - 1 - i) * 60_000, open: 50000, high: 50000, low: 50000, close: 50000, volume: 1 })),
    };
  },
  async ticker(symbol) {
    return { ok: true, value: { symbol, bid: dec('49995'), ask: dec('50005'), last: dec(PRICE), ts: Date.now() } };
  },
};
// Stateless, so it is its own factory (one instance for every symbol).
const strategy: Strategy & StrategyFactory & { next: Signal['action'] } = {
  name: 'scripted',
  warmup: 2,
  params: {},
  next: 'hold',
  create() {
    return strategy;
  },
  update() {},
  reset() {},
  signal() {
    return { action: this.next, reasons: [`SIGNAL.SCRIPTED: ${this.next}`] };
  },
};

const [mode, dbPath, url, lockDir] = process.argv.slice(2) as [string, string, string, string];
const send = (m: unknown): void => {
  process.send?.(m);
};

async function main(): Promise<void> {
  const settings = parseSettings(
    {
      MODE: 'live',
      MARKET_DATA: 'exchange',
      DB_PATH: dbPath,
      API_KEY: 'pipelinekey',
      API_SECRET: 'pipelinesecret',
      EXCHANGE_API_URL: url,
      FIXED_AMOUNT: '100',
      EVAL_INTERVAL_SEC: '3600',
      EXITS_INTERVAL_SEC: '3600',
      RECONCILE_INTERVAL_SEC: '3600',
      WATCHDOG_INTERVAL_SEC: '3600',
      HTTP_TIMEOUT_SEC: '5',
      LOG_LEVEL: 'WARN',
    },
    { cwd: process.cwd(), readFile: (p) => fs.readFileSync(p, 'utf8') },
  );
  let broker: Broker | undefined;
  if (mode === 'crash-after-send') {
    const real = new GateVenue({
      exchange: 'gateio',
      apiKey: 'pipelinekey',
      apiSecret: 'pipelinesecret',
      apiUrl: url,
      timeoutMs: 5_000,
      retry: { attempts: 3, baseMs: 10, maxMs: 50 },
      breaker: { failures: 5, cooldownMs: 30_000 },
    });
    broker = new Proxy(real, {
      get(target, prop, receiver) {
        if (prop === 'createMarketBuyQuote') {
          return async (...args: Parameters<GateVenue['createMarketBuyQuote']>) => {
            const r = await target.createMarketBuyQuote(...args);
            send({ kind: 'accepted', ok: r.ok });
            // The point of death: the exchange has the order; our database does not know the answer.
            process.kill(process.pid, 'SIGKILL');
            return new Promise<never>(() => undefined);
          };
        }
        const v: unknown = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  }
  let app;
  try {
    app = await compose(settings, { marketData: market, strategy, lockDir, ...(broker ? { broker } : {}) });
  } catch (e) {
    send({ kind: 'refused', code: e instanceof ComposeError ? e.code : 'OTHER', message: (e as Error).message });
    process.exit(3);
  }
  await app.orchestrator.start();
  if (mode === 'crash-after-send') {
    strategy.next = 'buy';
    await app.orchestrator.runLoopOnce('eval');
    send({ kind: 'survived', status: app.orchestrator.status() });
    process.exit(2);
  }
  if (mode === 'hold') {
    send({ kind: 'ready', pid: process.pid });
    await new Promise(() => undefined);
  }
  await app.bus.drain();
  const orders = await app.storage.orders.find({ symbol: 'BTC/USDT' });
  const position = await app.storage.positions.get('BTC/USDT');
  const repairs = await app.storage.audit.find({ kind: 'reconcile' });
  const status = app.orchestrator.status();
  send({
    kind: 'report',
    orders: orders.map((o) => ({
      clientOrderId: o.clientOrderId,
      status: o.status,
      filledBase: o.filledBase.toFixed(),
      fee: o.fee.toFixed(),
      exchangeOrderId: o.exchangeOrderId,
    })),
    position: position ? position.baseQty.toFixed() : null,
    repairs: repairs.map((r) => r.summary),
    trading: status.trading,
    haltReasons: status.haltReasons,
  });
  await app.close();
  process.exit(0);
}

main().catch((e: unknown) => {
  send({ kind: 'error', message: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) });
  process.exit(1);
});
