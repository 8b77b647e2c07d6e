/**
 * A test-only paper bot process for the crash spec: the real composition in paper mode on a
 * SQLite file, driven over IPC.
 *
 *   argv: <mode> <dbPath>
 *   mode = crash-on-send: start, evaluate once with a buy signal, and SIGKILL itself at the moment
 *          the order is handed to the paper broker (the point of death is this wrapper, never
 *          production code): the order row exists (status new), nothing reached the venue;
 *   mode = crash-after-fill: the same, but the paper broker fills the order (balances, order and
 *          fills persisted) and answers; the wrapper reports the answer and SIGKILLs itself
 *          before the settlement transaction can commit: the order row is still `new`;
 *   mode = restart:       compose as the app does (no wrapper), start (reconcile first), report,
 *                         then evaluate the same buy signal again (same bucket) and report.
 *   mode = halt-and-die:  compose as the app does, start, halt (as an operator would) and SIGKILL
 *                         itself once the halt is in: what a restart must not forget.
 */
import * as fs from 'node:fs';
import type { Broker, MarketData } from '@cab/application';
import { dec, type Signal, type Strategy, type StrategyFactory } from '@cab/domain';
import { PaperVenue, compose, openSqliteStorage, paperMarketFrom, parseSettings, systemClock, uuidIds } from '@cab/infrastructure';

const [mode, dbPath] = process.argv.slice(2) as [string, string];
const send = (m: unknown): void => {
  process.send?.(m);
};

// Not the testing entry's ScriptedMarketData: that module loads jest's globals, absent in a child.
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
    return { ok: true, value: { symbol, bid: dec('49995'), ask: dec('50005'), last: dec('50000'), ts: Date.now() } };
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

async function main(): Promise<void> {
  const settings = parseSettings(
    {
      MODE: 'paper',
      DB_PATH: dbPath,
      FIXED_AMOUNT: '100',
      PAPER_BALANCE: 'USDT=10000',
      IDEMPOTENCY_BUCKET_MS: '3600000',
      IDEMPOTENCY_TTL_SEC: '7200',
      EVAL_INTERVAL_SEC: '3600',
      EXITS_INTERVAL_SEC: '3600',
      RECONCILE_INTERVAL_SEC: '3600',
      WATCHDOG_INTERVAL_SEC: '3600',
      LOG_LEVEL: 'WARN',
    },
    { cwd: process.cwd(), readFile: (p) => fs.readFileSync(p, 'utf8') },
  );
  if (mode === 'crash-on-send' || mode === 'crash-after-fill') {
    const storage = openSqliteStorage({ path: dbPath, clock: systemClock });
    const real = new PaperVenue({
      market: paperMarketFrom(market),
      ledger: storage.paperLedger,
      clock: systemClock,
      ids: uuidIds,
      startingBalances: { USDT: '10000' },
    });
    const broker: Broker = new Proxy(real, {
      get(target, prop, receiver) {
        if (prop === 'createMarketBuyQuote') {
          return async (...args: Parameters<PaperVenue['createMarketBuyQuote']>) => {
            send({ kind: 'sending' });
            if (mode === 'crash-after-fill') {
              const answer = await target.createMarketBuyQuote(...args);
              const o = answer.ok ? answer.value : null;
              // Delivered before dying: the spec compares the restart with what the broker answered.
              await new Promise<void>((r) => {
                if (
                  !process.send?.(
                    {
                      kind: 'filled',
                      ok: answer.ok,
                      status: o?.status,
                      filledBase: o?.filledBase.toFixed(),
                      fee: o?.fee.toFixed(),
                      filledQuote: o?.filledQuote.toFixed(),
                    },
                    () => r(),
                  )
                )
                  r();
              });
            }
            process.kill(process.pid, 'SIGKILL');
            return new Promise<never>(() => undefined);
          };
        }
        const v: unknown = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const app = await compose(settings, { storage, broker, marketData: market, strategy });
    await app.orchestrator.start();
    strategy.next = 'buy';
    await app.orchestrator.runLoopOnce('eval');
    send({ kind: 'survived' });
    process.exit(2);
  }
  const app = await compose(settings, { marketData: market, strategy, notFoundGraceMs: 0 });
  await app.orchestrator.start();
  if (mode === 'halt-and-die') {
    await app.orchestrator.halt('the owner is moving funds');
    send({ kind: 'halted', haltReasons: app.orchestrator.status().haltReasons });
    process.kill(process.pid, 'SIGKILL');
    return;
  }
  const after = async () => ({
    orders: (await app.storage.orders.find({ symbol: 'BTC/USDT' })).map((o) => ({ status: o.status, side: o.side, filledBase: o.filledBase.toFixed() })),
    position: (await app.storage.positions.get('BTC/USDT'))?.baseQty.toFixed() ?? '0',
    balance: await app.broker.fetchBalance('BTC/USDT').then((b) => (b.ok ? { base: b.value.freeBase.toFixed(), quote: b.value.freeQuote.toFixed() } : null)),
  });
  const reconciled = await after();
  // Same bucket: the signal again is refused by its key, never sent a second time.
  strategy.next = 'buy';
  await app.orchestrator.runLoopOnce('eval');
  const first = (await app.storage.orders.find({ symbol: 'BTC/USDT' })).reduce<{ createdAt: number } | undefined>(
    (a, o) => (a === undefined || o.createdAt < a.createdAt ? o : a),
    undefined,
  );
  const bucket = (ts: number): number => Math.floor(ts / settings.idempotency.bucketMs);
  const sameBucket = first !== undefined && bucket(first.createdAt) === bucket(Date.now());
  send({
    kind: 'report',
    reconciled,
    again: await after(),
    sameBucket,
    trading: app.orchestrator.status().trading,
    haltReasons: app.orchestrator.status().haltReasons,
  });
  await app.close();
  process.exit(0);
}

main().catch((e: unknown) => {
  send({ kind: 'error', message: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) });
  process.exit(1);
});
