import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLI_BUNDLE, ROOT, SERVER_BUNDLE } from './support/paths';

// The Procfile and scripts/ are thin wrappers over the built apps (dist/apps/*/main.cjs). They are
// checked for syntax, and the backup helpers run for real against a temporary SQLite DB through the
// built CLI (nx test ops depends on cli:build and server:build).
const SCRIPTS = path.join(ROOT, 'scripts');
const shells = readdirSync(SCRIPTS).filter((f) => f.endsWith('.sh'));

/** A clean environment: no .env of the developer, no CI flags, our DB. */
function run(script: string, args: string[], env: Record<string, string>) {
  const r = spawnSync('bash', [path.join(SCRIPTS, script), ...args], {
    cwd: tmpdir(), // the scripts must not depend on the caller's directory
    env: { PATH: process.env['PATH'] ?? '', HOME: tmpdir(), CAB_NO_BUILD: '1', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('scripts/ and Procfile', () => {
  it.each(shells)('%s is valid bash', (f) => {
    const r = spawnSync('bash', ['-n', path.join(SCRIPTS, f)], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('has the seed helpers, each a wrapper over a built app', () => {
    for (const f of ['run_server.sh', 'run_server.ps1', 'run_worker.sh', 'backup_db.sh', 'rotate_backups.sh', 'integrity_check.sh', 'README.md']) {
      expect(existsSync(path.join(SCRIPTS, f))).toBe(true);
    }
    expect(readFileSync(path.join(SCRIPTS, 'run_server.ps1'), 'utf8')).toContain('dist/apps/server/main.cjs');
  });

  it('Procfile runs the server through scripts/run_server.sh', () => {
    const lines = readFileSync(path.join(ROOT, 'Procfile'), 'utf8').trim().split('\n');
    expect(lines).toEqual(['web: scripts/run_server.sh']);
  });

  describe('against a temporary database, through the built CLI', () => {
    let dir: string;
    let env: Record<string, string>;
    beforeAll(() => {
      expect(existsSync(CLI_BUNDLE)).toBe(true);
      dir = mkdtempSync(path.join(tmpdir(), 'cab-scripts-'));
      env = { DB_PATH: path.join(dir, 'bot.db') };
      const m = spawnSync(process.execPath, [CLI_BUNDLE, 'maintenance', 'migrate'], {
        env: { ...env, PATH: process.env['PATH'] ?? '' },
        encoding: 'utf8',
        cwd: dir,
      });
      expect(m.status).toBe(0);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('backup_db.sh writes db-YYYYmmdd-HHMMSS.sqlite3 into --dir and passes the CLI exit code', () => {
      const r = run('backup_db.sh', ['--dir', path.join(dir, 'backups')], env);
      expect(r.out).toContain('backup written');
      expect(r.code).toBe(0);
      const files = readdirSync(path.join(dir, 'backups'));
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/^db-\d{8}-\d{6}\.sqlite3$/);
    });

    it('integrity_check.sh exits 0 on a good DB and 1 on a broken one', () => {
      expect(run('integrity_check.sh', [], env).code).toBe(0);
      const bad = path.join(dir, 'broken.db');
      writeFileSync(bad, Buffer.alloc(4096, 7));
      const r = run('integrity_check.sh', [], { DB_PATH: bad });
      expect(r.out).toContain('integrity FAILED');
      expect(r.code).toBe(1);
    });

    it('rotate_backups.sh keeps backups younger than DAYS (default 30)', () => {
      const r = run('rotate_backups.sh', ['--dir', path.join(dir, 'backups')], env);
      expect(r.code).toBe(0);
      expect(r.out).toContain('no backups older than 30 days');
      expect(readdirSync(path.join(dir, 'backups'))).toHaveLength(1);
    });
  });

  it('run_server.sh execs the built server, which refuses bad settings with exit 2', () => {
    expect(existsSync(SERVER_BUNDLE)).toBe(true);
    const r = run('run_server.sh', [], { MODE: 'not-a-mode' });
    expect(r.out).toMatch(/MODE/);
    expect(r.code).toBe(2);
  });

  it('a wrapper whose app is not built says how to build it (CAB_NO_BUILD=1) and exits 2', () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'cab-nobuild-'));
    try {
      const r = run('backup_db.sh', [], { CAB_ROOT: empty });
      expect(r.out).toContain('npx nx build cli');
      expect(r.code).toBe(2);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
