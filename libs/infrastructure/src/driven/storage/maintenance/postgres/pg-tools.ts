import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MaintenanceError } from '../errors';

export type PgTool = 'pg_dump' | 'pg_restore';

/** Where else client tools are installed (Debian's wrapper, /usr/local builds, Homebrew). */
const OTHER_BIN_DIRS = ['/usr/bin', '/usr/local/bin', '/usr/local/pgsql/bin', '/opt/homebrew/bin'];

/**
 * Where pg_dump/pg_restore live: the newest /usr/lib/postgresql/<major>/bin (Debian's packages; a
 * dump must be taken by a pg_dump at least as new as the server), else the usual bin folders.
 * (Not the PATH: ENV is the settings module's alone.)
 */
export function findPgTool(tool: PgTool, binDirs: readonly string[] = OTHER_BIN_DIRS): string {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const majors = readdirSync(root)
      .filter((d) => /^\d+$/.test(d) && existsSync(join(root, d, 'bin', tool)))
      .sort((a, b) => Number(b) - Number(a));
    if (majors[0]) return join(root, majors[0], 'bin', tool);
  }
  for (const dir of binDirs) if (existsSync(join(dir, tool))) return join(dir, tool);
  throw new MaintenanceError('MAINTENANCE.TOOL_MISSING', `${tool} not found (install postgresql-client, e.g. apt-get install postgresql-client)`);
}

/**
 * The whole environment of a child that connects to `url`: the libpq variables and nothing else.
 * The password goes into PGPASSWORD, never onto the command line (where `ps` shows it to every
 * user); none of the bot's own environment (exchange keys, tokens) is handed to the child.
 */
export function libpqEnv(url: string): NodeJS.ProcessEnv {
  const u = new URL(url);
  const env: NodeJS.ProcessEnv = {};
  const host = u.searchParams.get('host') ?? u.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host) env['PGHOST'] = decodeURIComponent(host);
  if (u.port) env['PGPORT'] = u.port;
  if (u.username) env['PGUSER'] = decodeURIComponent(u.username);
  if (u.password) env['PGPASSWORD'] = decodeURIComponent(u.password);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (database) env['PGDATABASE'] = database;
  const sslmode = u.searchParams.get('sslmode');
  if (sslmode) env['PGSSLMODE'] = sslmode;
  env['PGAPPNAME'] = 'crypto-ai-bot maintenance';
  return env;
}

/** Runs a Postgres client tool; its stderr (never holding the password) becomes the error. */
export function runPgTool(tool: PgTool, args: readonly string[], url: string): Promise<string> {
  const bin = findPgTool(tool);
  return new Promise((resolve, reject) => {
    execFile(bin, [...args], { env: libpqEnv(url), maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new MaintenanceError('MAINTENANCE.TOOL_FAILED', `${tool} failed: ${(stderr || err.message).trim()}`));
      else resolve(stdout);
    });
  });
}
