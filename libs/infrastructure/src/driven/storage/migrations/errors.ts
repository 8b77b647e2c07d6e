export type MigrationErrorCode =
  | 'MIGRATION.DIR_NOT_FOUND'
  | 'MIGRATION.BAD_NAME'
  | 'MIGRATION.DUPLICATE_VERSION'
  | 'MIGRATION.CHECKSUM_MISMATCH'
  | 'MIGRATION.MISSING_FILE'
  | 'MIGRATION.OUT_OF_ORDER'
  | 'MIGRATION.FAILED';

/**
 * A migration problem stops the bot at start: running on a schema that differs from the code's
 * is how money gets lost quietly. The message names the file and what to do.
 */
export class MigrationError extends Error {
  constructor(
    readonly code: MigrationErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
    this.name = 'MigrationError';
  }
}
