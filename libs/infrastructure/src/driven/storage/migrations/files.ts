import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { MigrationError } from './errors';

/** One migration file: migrations/V0001__init.sql → version 1, name "init". */
export interface MigrationFile {
  version: number;
  name: string;
  fileName: string;
  sql: string;
  /** sha256 (hex) of the file with line endings normalized. */
  checksum: string;
}

const FILE_RE = /^V(\d{4,})__([A-Za-z0-9_]+)\.sql$/;

/**
 * The checksum ignores CRLF vs LF and a UTF-8 BOM: a checkout on Windows (git autocrlf) must not
 * look like an edited migration. Everything else, whitespace and comments included, counts.
 */
export function migrationChecksum(text: string): string {
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  return createHash('sha256').update(normalized, 'utf8').digest('hex');
}

/**
 * Reads V<version>__<name>.sql files in version order. Any other .sql file is an error rather
 * than silently skipped: a misnamed migration would otherwise never run.
 */
export function readMigrationFiles(dir: string): MigrationFile[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new MigrationError('MIGRATION.DIR_NOT_FOUND', `migrations directory not found: ${dir}`);
  }
  const files: MigrationFile[] = [];
  for (const fileName of readdirSync(dir)) {
    if (!fileName.toLowerCase().endsWith('.sql')) continue;
    const m = FILE_RE.exec(fileName);
    if (!m || !m[1] || !m[2]) {
      throw new MigrationError('MIGRATION.BAD_NAME', `${fileName}: migration files are named V0001__what_it_does.sql`);
    }
    // A BOM is not SQL: SQLite would reject it as an unrecognized token.
    const sql = readFileSync(join(dir, fileName), 'utf8').replace(/^\uFEFF/, '');
    files.push({ version: Number(m[1]), name: m[2], fileName, sql, checksum: migrationChecksum(sql) });
  }
  files.sort((a, b) => a.version - b.version);
  for (let i = 1; i < files.length; i++) {
    const prev = files[i - 1];
    const cur = files[i];
    if (prev && cur && prev.version === cur.version) {
      throw new MigrationError('MIGRATION.DUPLICATE_VERSION', `${prev.fileName} and ${cur.fileName} share version ${cur.version}`);
    }
  }
  return files;
}

/** The file every migrations folder starts with; how `locateMigrationsDir` recognizes one. */
export const FIRST_MIGRATION = 'V0001__init.sql';

/**
 * Finds the repository's migrations/ folder by walking up from `start` (default: this file's
 * folder) until a `migrations/V0001__init.sql` appears. From source (jest, tsx) that is the repo
 * root; in an app bundle it is the `migrations/` copied next to main.js as a build asset.
 * Pass the directory explicitly (e.g. from settings) when the layout is different.
 */
export function locateMigrationsDir(start: string = __dirname): string {
  let dir = resolve(start);
  for (;;) {
    const candidate = join(dir, 'migrations');
    if (existsSync(join(candidate, FIRST_MIGRATION))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new MigrationError('MIGRATION.DIR_NOT_FOUND', `no migrations/${FIRST_MIGRATION} above ${start}: pass the migrations directory explicitly`);
    }
    dir = parent;
  }
}
