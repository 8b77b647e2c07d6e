export type MaintenanceErrorCode = 'MAINTENANCE.DB_NOT_FOUND' | 'MAINTENANCE.BAD_ARGUMENT' | 'MAINTENANCE.TOOL_MISSING' | 'MAINTENANCE.TOOL_FAILED';

/** Operator mistakes (a wrong path, a negative day count): the CLI prints the message and exits non-zero. */
export class MaintenanceError extends Error {
  constructor(
    readonly code: MaintenanceErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'MaintenanceError';
  }
}
