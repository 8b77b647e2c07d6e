import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { dec } from '@cab/domain';
import { ComposeError, compose } from '@cab/infrastructure';
import { ScriptedMarketData, ScriptedStrategy, settingsFor } from '@cab/infrastructure/testing';
import { makeLivePipelineWorld, type LiveWorld } from './live-world';

const REPO_ROOT = resolve(__dirname, '../../../..');
const CHILD = resolve(__dirname, '../../test/pipeline/bot-child.ts');

interface Message {
  kind: string;
  [k: string]: unknown;
}

function startChild(args: string[]): { child: ChildProcess; messages: Message[]; stderr: () => string; next: (kind: string) => Promise<Message> } {
  const child = fork(CHILD, args, {
    cwd: REPO_ROOT,
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, TSX_TSCONFIG_PATH: resolve(REPO_ROOT, 'tsconfig.base.json') },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let err = '';
  child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
  child.stdout?.on('data', () => undefined);
  const messages: Message[] = [];
  const waiters: { kind: string; resolve: (m: Message) => void }[] = [];
  child.on('message', (m: Message) => {
    messages.push(m);
    for (const w of waiters.filter((x) => x.kind === m.kind || m.kind === 'error' || m.kind === 'refused')) w.resolve(m);
  });
  const next = (kind: string): Promise<Message> =>
    new Promise((res, rej) => {
      const found = messages.find((m) => m.kind === kind);
      if (found) return res(found);
      waiters.push({ kind, resolve: res });
      child.once('exit', (code, signal) =>
        setTimeout(() => rej(new Error(`child exited (${code}, ${signal}) before "${kind}"; got ${JSON.stringify(messages)}\n${err}`)), 2_000),
      );
    });
  return { child, messages, stderr: () => err, next };
}

const exited = (c: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> =>
  c.exitCode !== null || c.signalCode !== null
    ? Promise.resolve({ code: c.exitCode, signal: c.signalCode })
    : new Promise((r) => c.once('exit', (code, signal) => r({ code, signal })));

describe('crash recovery and instance safety (live mode, real processes)', () => {
  let world: LiveWorld;
  let dir: string;
  const children: ChildProcess[] = [];
  beforeEach(async () => {
    dir = fs.mkdtempSync(join(tmpdir(), 'cab-crash-'));
    world = await makeLivePipelineWorld();
  });
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await world.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('SIGKILL between sending an order and saving the answer: the restart reconciles it, one order on the exchange and in the DB', async () => {
    const db = join(dir, 'bot.db');
    const locks = join(dir, 'locks');
    const first = startChild(['crash-after-send', db, world.emu.url, locks]);
    children.push(first.child);
    const accepted = await first.next('accepted');
    expect(accepted['ok']).toBe(true);
    const death = await exited(first.child);
    expect(death.signal).toBe('SIGKILL');
    expect(world.emu.exchange.orders).toHaveLength(1);

    const second = startChild(['restart', db, world.emu.url, locks]);
    children.push(second.child);
    const report = await second.next('report');
    expect((await exited(second.child)).code).toBe(0);

    const venue = world.emu.exchange.orders;
    expect(venue).toHaveLength(1); // never re-sent
    const orders = report['orders'] as { clientOrderId: string; status: string; filledBase: string; fee: string; exchangeOrderId: string }[];
    expect(orders).toHaveLength(1);
    expect(orders[0]!.clientOrderId).toBe(venue[0]!.text);
    expect(orders[0]!.exchangeOrderId).toBe(venue[0]!.id);
    expect(orders[0]!.status).toBe('filled');
    const btc = world.emu.exchange.balance('BTC');
    const held = btc.available.plus(btc.locked);
    expect(dec(report['position'] as string).eq(held)).toBe(true);
    expect(dec(orders[0]!.filledBase).minus(dec(orders[0]!.fee)).eq(held)).toBe(true);
    expect((report['repairs'] as string[]).some((s) => s.startsWith('repaired order'))).toBe(true);
    expect(report['trading']).toBe('active');
  }, 60_000);

  it('a second live instance on the same DB and account refuses to start and names the holder', async () => {
    const db = join(dir, 'bot.db');
    const locks = join(dir, 'locks');
    const holder = startChild(['hold', db, world.emu.url, locks]);
    children.push(holder.child);
    const ready = await holder.next('ready');
    const world2 = { ...world, mode: 'live' as const };
    const base = settingsFor(dir, world2);
    const settings = { ...base, db: { ...base.db, path: db } };
    const market = new ScriptedMarketData({ now: () => Date.now() });
    const attempt = compose(settings, { marketData: market, strategy: new ScriptedStrategy(), lockDir: locks, broker: world.broker });
    await expect(attempt).rejects.toBeInstanceOf(ComposeError);
    await expect(attempt).rejects.toThrow(`pid ${String(ready['pid'])}`);
    // A refused instance sent nothing to the exchange.
    expect(world.emu.exchange.orders).toHaveLength(0);
  }, 60_000);

  it('LOCK_DIR: an instance with its own DB on the same account refuses to start when both see the folder', async () => {
    const locks = join(dir, 'shared-locks');
    const holder = startChild(['hold', join(dir, 'a.db'), world.emu.url, locks]);
    children.push(holder.child);
    const ready = await holder.next('ready');
    const base = settingsFor(dir, { ...world, mode: 'live' as const }, { LOCK_DIR: locks });
    const market = new ScriptedMarketData({ now: () => Date.now() });
    // No lockDir override to compose: the folder comes from the LOCK_DIR setting.
    const attempt = compose(
      { ...base, db: { ...base.db, path: join(dir, 'b.db') } },
      { marketData: market, strategy: new ScriptedStrategy(), broker: world.broker },
    );
    await expect(attempt).rejects.toThrow(`holds the account lock (pid ${String(ready['pid'])}`);
    expect(world.emu.exchange.orders).toHaveLength(0);
  }, 60_000);
});
