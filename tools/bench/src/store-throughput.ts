// The `store` rows of npm run bench (issue #19, item 6): how many order + fill + position units of
// work a bot's storage commits per second, on SQLite (file DB, WAL, NORMAL and FULL) and on Postgres
// (one bot; three bots at once, each its own BOT_ID in its own process, on one database).
//
// One unit = what the trading core's EventDriver writes for one filled market order
// (libs/application/src/core/event-driver.ts; docs/core.md): the order written ahead through the
// store's OrderWriteAhead (idempotency key + order row: on SQLite, as the process that trades opens
// it, one append to the order intent log, folded into SQLite by the next statement; on Postgres, a
// transaction), then the Persist transaction (order update, the fill, the position save). So a unit
// is two commits. The loop runs one unit at a time per bot, as the driver's write chain does.
//
// This file is also the child process of the 3-bot row: `node dist/tools/bench/store-throughput.cjs --child URL BOT_ID START_AT_MS SECONDS`
// (or `tsx store-throughput.ts --child …` from the sources).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { FillRecord, OrderRecord, PositionRecord } from '@cab/application';
import { dec, ZERO, type Clock } from '@cab/domain';
import { openPostgresStorage, openSqliteStorage, type Storage } from '@cab/infrastructure';

const root = path.resolve(__dirname, '../../..');
/** Wall clock for the rows' timestamps: the bench is a tool, not the domain (which gets its time injected). */
const wall: Clock = { now: () => Date.now() };
const MEASURE_SECONDS = 4;
const WARMUP_UNITS = 50;

export interface StoreRow {
  what: string;
  value: string;
  target: string;
  note?: string;
}

/** One filled market buy, as the core writes it: the order, its fill, the position after it. */
function unitRecords(botId: string, i: number, now: number) {
  const clientOrderId = `bench-${botId}-${i}`;
  const price = dec('50000.1');
  const amount = dec('0.001');
  const order: OrderRecord = {
    clientOrderId,
    exchange: 'paper',
    exchangeOrderId: null,
    symbol: 'BTC/USDT',
    side: 'buy',
    type: 'market',
    requestedQuote: dec('50.0001'),
    requestedBase: null,
    status: 'new',
    filledBase: ZERO,
    filledQuote: ZERO,
    averagePrice: null,
    fee: ZERO,
    feeCurrency: null,
    idempotencyKey: `bench:${clientOrderId}`,
    reason: 'bench: store',
    createdAt: now,
    updatedAt: now,
  };
  const fill: FillRecord = {
    exchange: 'paper',
    tradeId: `t-${clientOrderId}`,
    clientOrderId,
    exchangeOrderId: `x-${clientOrderId}`,
    symbol: 'BTC/USDT',
    side: 'buy',
    price,
    amount,
    cost: price.times(amount),
    fee: dec('0.000001'),
    feeCurrency: 'BTC',
    ts: now,
  };
  const position: PositionRecord = {
    symbol: 'BTC/USDT',
    baseQty: amount.times(dec(String(i + 1))),
    avgEntry: price,
    realizedPnl: ZERO,
    feesQuote: dec('0.05').times(dec(String(i + 1))),
    peakPrice: price,
    stopPrice: null,
    trailingStopPrice: null,
    trailingActive: false,
    openedAt: now,
    updatedAt: now,
    version: i,
  };
  return { order, fill, position };
}

async function unit(s: Storage, i: number): Promise<void> {
  const now = wall.now();
  const { order, fill, position } = unitRecords(s.botId, i, now);
  const ahead = await s.writeAhead.writeAhead(order, 3_600_000);
  if (!ahead.ok) throw new Error(`bench: order ${order.clientOrderId} not written ahead: ${ahead.code}`);
  await s.unitOfWork.run(async (tx) => {
    const updated = await tx.orders.update(order.clientOrderId, {
      exchangeOrderId: fill.exchangeOrderId,
      status: 'filled',
      filledBase: fill.amount,
      filledQuote: fill.cost,
      averagePrice: fill.price,
      fee: fill.fee,
      feeCurrency: fill.feeCurrency,
      updatedAt: now,
    });
    if (!updated) throw new Error(`bench: order ${order.clientOrderId} vanished`);
    await tx.fills.insertMany([fill]);
    await tx.positions.save(position);
  });
}

/** Units for `seconds` after a warm-up (not counted); starts at `startAt` (wall ms) when given, so processes overlap. */
async function loop(s: Storage, seconds: number, startAt?: number): Promise<{ units: number; seconds: number }> {
  let i = 0;
  for (; i < WARMUP_UNITS; i++) await unit(s, i);
  if (startAt !== undefined) await new Promise((r) => setTimeout(r, Math.max(0, startAt - wall.now())));
  const t0 = performance.now();
  const first = i;
  while (performance.now() - t0 < seconds * 1000) await unit(s, i++);
  return { units: i - first, seconds: (performance.now() - t0) / 1000 };
}

const perSecond = (units: number, seconds: number) => `${Math.round(units / seconds).toLocaleString('en-US')} units/s`;

async function sqliteRow(synchronous: 'NORMAL' | 'FULL'): Promise<StoreRow> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cab-bench-store-'));
  // As compose opens it for the process that trades: with the order intent log.
  const s = openSqliteStorage({ path: path.join(dir, 'bench.db'), clock: wall, synchronous, intentLog: true });
  try {
    const r = await loop(s, MEASURE_SECONDS);
    return {
      what: `store: order + fill + position units of work, SQLite file DB, WAL, synchronous=${synchronous}`,
      value: perSecond(r.units, r.seconds),
      target: '—',
      note: `${r.units} units (an intent log append and 2 commits each) in ${r.seconds.toFixed(1)} s, one bot`,
    };
  } finally {
    await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One child process per bot, all measuring over the same window: this file with --child, as node
 * runs it from the bench's bundle (tools/bench/build.mjs builds it as its own entry beside main.cjs)
 * or tsx from the sources.
 */
function childBot(url: string, botId: string, startAt: number): Promise<{ units: number; seconds: number }> {
  const [cmd, script] = __filename.endsWith('.cjs')
    ? [process.execPath, [path.join(__dirname, 'store-throughput.cjs')]]
    : [path.join(root, 'node_modules/.bin/tsx'), ['--tsconfig', 'tools/bench/tsconfig.json', __filename]];
  const child = spawn(cmd, [...script, '--child', url, botId, String(startAt), String(MEASURE_SECONDS)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as { units: number; seconds: number });
      else reject(new Error(`bot ${botId} exited ${code}: ${(err || out).trim().split('\n')[0]}`));
    }),
  );
}

async function postgresRows(url: string, cluster: string): Promise<StoreRow[]> {
  const one = await openPostgresStorage({ url, clock: wall, botId: 'bench-1' });
  let single: { units: number; seconds: number };
  try {
    single = await loop(one, MEASURE_SECONDS);
  } finally {
    await one.close();
  }
  // Three bots at once, each its own process, pool and BOT_ID; they start together after their
  // warm-up (the start time leaves room for three processes to boot on a busy machine).
  const startAt = wall.now() + 15_000;
  const three = await Promise.all(['bench-a', 'bench-b', 'bench-c'].map((id) => childBot(url, id, startAt)));
  const total = three.reduce((n, r) => n + r.units / r.seconds, 0);
  return [
    {
      what: 'store: order + fill + position units of work, Postgres, 1 bot',
      value: perSecond(single.units, single.seconds),
      target: '—',
      note: `${single.units} units (2 commits each) in ${single.seconds.toFixed(1)} s; ${cluster}`,
    },
    {
      what: 'store: the same, Postgres, 3 bots writing at once (own BOT_ID, own process and pool each)',
      value: `${Math.round(total).toLocaleString('en-US')} units/s in all`,
      target: '—',
      note: `per bot ${three.map((r) => Math.round(r.units / r.seconds).toLocaleString('en-US')).join(' / ')} units/s; ${cluster}`,
    },
  ];
}

/** The store rows; never throws: a Postgres that cannot start gives "n/a: why" rows. */
export async function storeThroughput(): Promise<StoreRow[]> {
  const rows: StoreRow[] = [];
  for (const mode of ['NORMAL', 'FULL'] as const)
    rows.push(
      await sqliteRow(mode).catch((e: unknown) => ({
        what: `store: order + fill + position units of work, SQLite, synchronous=${mode}`,
        value: `n/a: ${String((e as Error).message).split('\n')[0]}`,
        target: '—',
      })),
    );
  const na = (why: string): StoreRow[] => [
    { what: 'store: order + fill + position units of work, Postgres (1 bot; 3 bots at once)', value: `n/a: ${why}`, target: '—' },
  ];
  // A throwaway cluster of Debian's postgresql with its durable defaults (fsync, synchronous_commit
  // on), so its figure pays for commits as a real server does; stopped after.
  // A CommonJS script shared with the jest set-up (tools/testing), loaded at run time.
  const { startThrowawayPostgres } = createRequire(__filename)(path.join(root, 'tools/scripts/throwaway-postgres.cjs')) as {
    startThrowawayPostgres: (o: { durable: boolean }) => Promise<{ url: string; stop(): void }>;
  };
  let pg: { url: string; stop(): void };
  try {
    pg = await startThrowawayPostgres({ durable: true });
  } catch (e) {
    return [...rows, ...na(String((e as Error).message).split('\n')[0] ?? 'Postgres did not start')];
  }
  try {
    return [...rows, ...(await postgresRows(pg.url, 'throwaway local cluster on loopback, fsync and synchronous_commit on'))];
  } catch (e) {
    return [...rows, ...na(String((e as Error).message).split('\n')[0] ?? 'failed')];
  } finally {
    pg.stop();
  }
}

async function child(): Promise<void> {
  const [url, botId, startAt, seconds] = process.argv.slice(process.argv.indexOf('--child') + 1);
  const s = await openPostgresStorage({ url: url!, clock: wall, botId: botId! });
  try {
    console.log(JSON.stringify(await loop(s, Number(seconds), Number(startAt))));
  } finally {
    await s.close();
  }
}

if (require.main === module && process.argv.includes('--child'))
  child().catch((e: unknown) => {
    console.error(String((e as Error).message));
    process.exitCode = 1;
  });
