import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import type { Env } from './env-reader';
import type { FileProbe, PathKind } from './file-probe';
import { parseSettings, type Settings } from './settings';
import { SettingsError } from './settings-error';

export interface LoadFromProcessOptions {
  /** Defaults to process.cwd(). */
  cwd?: string;
  /** Defaults to process.env. */
  env?: Env;
}

/**
 * The one place that reads the process environment. A `.env` file in the working folder (or the
 * file named by ENV_FILE) fills in what the environment leaves unset: real environment variables
 * always win, so a deployment can override a developer's .env without editing it.
 */
export function loadSettings(opts: LoadFromProcessOptions = {}): Settings {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  return parseSettings(mergeDotenv(env, cwd), { cwd, readFile: (p) => fs.readFileSync(p, 'utf8'), files: diskProbe });
}

/** The real file system, as settings' checks ask it. */
export const diskProbe: FileProbe = {
  kind(p: string): PathKind {
    try {
      const st = fs.statSync(p);
      return st.isFile() ? 'file' : st.isDirectory() ? 'directory' : 'other';
    } catch (e) {
      // ENOTDIR: a parent is a file; the caller walks up and names it.
      return (e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'missing' : 'other';
    }
  },
  readBytes: (p) => fs.readFileSync(p),
};

function mergeDotenv(env: Env, cwd: string): Env {
  const explicit = env['ENV_FILE']?.trim();
  const file = path.resolve(cwd, explicit || '.env');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (explicit) throw new SettingsError([`ENV_FILE: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`]);
    return env;
  }
  const fromFile = parseDotenv(text);
  const merged: Record<string, string | undefined> = { ...fromFile };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) merged[k] = v;
  return merged;
}
