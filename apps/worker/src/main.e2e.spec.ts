// Runs the BUILT worker (dist/apps/worker/main.cjs) as a child process on a free port.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const bin = path.resolve(__dirname, '../../../dist/apps/worker/main.cjs');
let cwd: string;
let child: ChildProcess | null = null;
beforeEach(() => {
  cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'cab-worker-'));
});
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = null;
  fs.rmSync(cwd, { recursive: true, force: true });
});

function run(env: Record<string, string>) {
  const r = spawnSync(process.execPath, [bin], { cwd, env: { PATH: process.env['PATH'] ?? '', ...env }, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('worker (built bundle)', () => {
  it('refuses bad settings with every problem listed, exit 2 and no stack trace', () => {
    const r = run({ MODE: 'live', EVAL_INTERVAL_SEC: 'soon', API_SECRET: 'KNOWN-secret-0042' });
    expect(r.code).toBe(2);
    expect(r.err).toContain('EVAL_INTERVAL_SEC: expected a number greater than 0, got "soon"');
    expect(r.err).toContain('missing API_KEY');
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.out + r.err).not.toContain('KNOWN-secret-0042');
  });

  it('trades headless in paper mode with /health and /metrics on WORKER_PORT, no control API, clean SIGTERM', async () => {
    const env = {
      PATH: process.env['PATH'] ?? '',
      WORKER_PORT: '0',
      REPLAY_SPEED: '600',
      EVAL_INTERVAL_SEC: '0.2',
      EXITS_INTERVAL_SEC: '0.2',
      LOG_LEVEL: 'warn',
      DB_PATH: path.join(cwd, 'w.db'),
    };
    const c = spawn(process.execPath, [bin], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    let out = '';
    c.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => c.on('exit', (code) => r(code)));
    const url = await poll(
      async () => /worker \(paper\) on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1] ?? null,
      () => out,
    );

    const health = (await (await fetch(`${url}/health`)).json()) as { orchestrator: { state: string } };
    expect(health.orchestrator.state).toBe('running');
    await poll(
      async () => ((await (await fetch(`${url}/metrics`)).text()).match(/cab_orders_total\{[^}]*outcome="filled"[^}]*\} [1-9]/) ? true : null),
      () => out,
    );
    expect((await fetch(`${url}/orchestrator/status`)).status).toBe(404);
    expect((await fetch(`${url}/api/trades`)).status).toBe(404);

    c.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).not.toMatch(/\n\s+at /);
  }, 120_000);
});

async function poll<T>(probe: () => Promise<T | null>, output: () => string, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => null);
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out; output:\n${output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
