// Runs the BUILT server (dist/apps/server/main.cjs) as a child process.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const bin = path.resolve(__dirname, '../../../dist/apps/server/main.cjs');

function run(env: Record<string, string>) {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'cab-server-'));
  try {
    const r = spawnSync(process.execPath, [bin], { cwd, env: { PATH: process.env['PATH'] ?? '', ...env }, encoding: 'utf8', timeout: 20_000 });
    return { code: r.status, out: r.stdout, err: r.stderr };
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}

describe('server (built bundle)', () => {
  it('prints its version and the settings summary', () => {
    const r = run({ SYMBOL: 'ETH/USDT' });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^crypto-ai-bot server \d+\.\d+\.\d+/);
    expect(r.out).toMatch(/SYMBOLS\s+ETH\/USDT/);
  });

  it('refuses bad settings with every problem listed, exit 2 and no stack trace', () => {
    const r = run({ MODE: 'live', EVAL_INTERVAL_SEC: 'soon', API_SECRET: 'KNOWN-secret-0042' });
    expect(r.code).toBe(2);
    expect(r.err).toContain('EVAL_INTERVAL_SEC: expected a number greater than 0, got "soon"');
    expect(r.err).toContain('missing API_KEY');
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.out + r.err).not.toContain('KNOWN-secret-0042');
  });
});
