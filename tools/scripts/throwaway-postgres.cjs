// A throwaway Postgres cluster for the test suites (docs/postgres.md, "Tests"): Debian's
// postgresql binaries, a fresh data directory under the system temp dir, trust auth, listening on
// 127.0.0.1 only, on a free port. Jest's global setup starts one per test run and exports its URL
// as CAB_TEST_PG_URL; the specs create a database each. Without the binaries nothing starts and
// CAB_TEST_PG_ERROR says why: the Postgres specs then fail with that message (never skip).
const { execFileSync, spawnSync } = require('node:child_process');
const { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } = require('node:fs');
const { createServer } = require('node:net');
const { tmpdir } = require('node:os');
const path = require('node:path');

/** The newest /usr/lib/postgresql/<major>/bin that has initdb, or null. */
function findBinDir() {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const majors = readdirSync(root)
    .filter((d) => existsSync(path.join(root, d, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return majors.length > 0 ? path.join(root, majors[0], 'bin') : null;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Postgres refuses to run as root: as root, its binaries run as the `postgres` user Debian's package creates. */
function runAs() {
  return process.getuid && process.getuid() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
}

function run(cmd, args) {
  const prefix = runAs();
  const argv = [...prefix, cmd, ...args];
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${path.basename(cmd)} failed (${r.status}): ${(r.stderr || r.stdout || String(r.error)).trim()}`);
  return r.stdout;
}

/**
 * Starts a cluster; resolves to { url, dataDir, stop() } or rejects with a message that names
 * what is missing. `url` connects as the superuser `postgres` to the database `postgres`.
 * `{ durable: true }` keeps Postgres's own defaults (fsync, synchronous_commit, full_page_writes
 * on): for figures that pay for durability as a real server does (npm run bench), not for tests.
 */
async function startThrowawayPostgres({ durable = false } = {}) {
  const bin = findBinDir();
  if (!bin) throw new Error('Postgres is not installed (no /usr/lib/postgresql/*/bin/initdb): apt-get install postgresql, as .ci/run does');
  const dir = mkdtempSync(path.join(tmpdir(), 'cab-pg-'));
  chmodSync(dir, 0o777);
  const dataDir = path.join(dir, 'data');
  const port = await freePort();
  if (runAs().length > 0) execFileSync('chown', ['postgres', dir]);
  run(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-locale', '-N']);
  // fsync off for tests: a test cluster dies with its run; the specs test our writes, not the disk.
  const fast = durable ? '' : ' -c fsync=off -c synchronous_commit=off -c full_page_writes=off';
  const opts = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir}${fast} -c max_connections=200`;
  run(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-o', opts, '-l', path.join(dir, 'postgres.log'), '-w', '-t', '120', 'start']);
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    dataDir,
    bin,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        run(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

module.exports = { startThrowawayPostgres, findBinDir };
