// The instance lock on Postgres across real processes: the BUILT worker (dist/apps/worker/main.cjs)
// started as child processes on one database of the test run's throwaway Postgres (docs/postgres.md,
// "Instance lock"). Each child has its own DB_PATH, so what they share is the Postgres lock only.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '@cab/infrastructure/testing';

const bin = path.resolve(__dirname, '../../../dist/apps/worker/main.cjs');

interface Worker {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

let cwd: string;
let db: TestPostgresDatabase;
const workers: Worker[] = [];

beforeEach(async () => {
  cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'cab-worker-lock-'));
  db = await createTestPostgresDatabase('workerlock');
});
afterEach(async () => {
  for (const w of workers.splice(0)) {
    if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await w.exited;
  }
  await db.drop();
  fs.rmSync(cwd, { recursive: true, force: true });
});

function startWorker(botId: string, name: string): Worker {
  const env = {
    PATH: process.env['PATH'] ?? '',
    WORKER_PORT: '0',
    REPLAY_SPEED: '600',
    EVAL_INTERVAL_SEC: '0.2',
    EXITS_INTERVAL_SEC: '0.2',
    LOG_LEVEL: 'warn',
    DB_URL: db.url,
    BOT_ID: botId,
    DB_PATH: path.join(cwd, `${name}.db`),
  };
  const child = spawn(process.execPath, [bin], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const w = { child, output: () => out, exited };
  workers.push(w);
  return w;
}

/** The worker's URL once it serves (it takes the lock before anything else). */
async function urlOf(w: Worker): Promise<string> {
  return poll(async () => {
    if (w.child.exitCode !== null) throw new Error(`worker exited ${w.child.exitCode}:\n${w.output()}`);
    return /worker \(paper\) on (http:\/\/127\.0\.0\.1:\d+)/.exec(w.output())?.[1] ?? null;
  }, w.output);
}

async function health(url: string): Promise<{ orchestrator: { state: string; trading: string; haltReasons: string[] } }> {
  return (await (await fetch(`${url}/health`)).json()) as { orchestrator: { state: string; trading: string; haltReasons: string[] } };
}

describe('worker: the instance lock on Postgres (real processes)', () => {
  it('a second worker with the same BOT_ID refuses (exit 2) naming the holder’s host and pid; another BOT_ID runs beside it', async () => {
    const a = startWorker('bot-a', 'a');
    const aUrl = await urlOf(a);
    expect((await health(aUrl)).orchestrator.state).toBe('running');

    const b = startWorker('bot-a', 'b');
    expect(await b.exited).toBe(2);
    expect(b.output()).toContain(`bot "bot-a" is already running on this database: pid ${a.child.pid} on ${os.hostname()}`);
    expect(b.output()).toMatch(/COMPOSE\.LOCK_REFUSED/);
    expect(b.output()).not.toMatch(/\n\s+at /);

    const c = startWorker('bot-b', 'c');
    expect((await health(await urlOf(c))).orchestrator.state).toBe('running');
    expect((await health(aUrl)).orchestrator.trading).toBe('active');

    // A clean stop releases the lock.
    c.child.kill('SIGTERM');
    expect(await c.exited).toBe(0);
    await urlOf(startWorker('bot-b', 'c2'));
  }, 180_000);

  it('kill -9 of the holder frees the lock (the server ends its session): a new worker under that BOT_ID starts', async () => {
    const a = startWorker('bot-a', 'a');
    await urlOf(a);
    a.child.kill('SIGKILL');
    await a.exited;
    // The server notices the closed socket; until it has, a starter is refused: retry until one runs.
    const url = await poll(
      async () => {
        const next = startWorker('bot-a', 'next');
        const outcome = await Promise.race([urlOf(next).then((u) => ({ u })), next.exited.then((code) => ({ code }))]);
        return 'u' in outcome ? outcome.u : null;
      },
      () => '',
    );
    expect((await health(url)).orchestrator.state).toBe('running');
  }, 180_000);

  it('the holder’s lock session terminated on the server (pg_terminate_backend): the worker halts trading at once (LOCK.LOST)', async () => {
    const a = startWorker('bot-a', 'a');
    const url = await urlOf(a);
    expect((await health(url)).orchestrator.trading).toBe('active');
    const admin = new Client({ connectionString: db.url });
    await admin.connect();
    try {
      const r = await admin.query<{ n: number }>(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name LIKE 'cab pid ' || $1::text || ' on %'`,
        [String(a.child.pid)],
      );
      expect(r.rows[0]?.n).toBe(1);
    } finally {
      await admin.end();
    }
    const halted = await poll(async () => {
      const h = await health(url);
      return h.orchestrator.trading === 'halted' ? h : null;
    }, a.output);
    expect(halted.orchestrator.haltReasons.join('\n')).toMatch(/instance lock lost/);
    // Halted, not dead: the operator sees it, and a stop is still clean.
    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
  }, 180_000);
});

async function poll<T>(probe: () => Promise<T | null>, output: () => string, ceilingMs = 120_000): Promise<T> {
  const deadline = Date.now() + ceilingMs;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out; output:\n${output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
