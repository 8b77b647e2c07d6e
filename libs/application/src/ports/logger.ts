/**
 * Structured logging port. Messages are short and constant ("order submitted"); everything that
 * varies goes into `fields`, so logs can be searched and counted. Adapters (winston JSON in
 * infrastructure) add the timestamp and level; callers never format values into the message.
 *
 * Secrets never go into fields: adapters redact known secrets too, but that is the second line.
 */
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every entry (a correlation id, a component name). */
  child(fields: LogFields): Logger;
}

/** For components whose logger is optional. */
export const noopLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => noopLogger,
};

/**
 * The text of anything thrown, for logs and dead letters (never the stack: it may be long).
 * Duck-typed, not `instanceof Error`: errors from another realm (undici's fetch under jest,
 * a vm context) are not instances of this realm's Error.
 */
export function errorText(err: unknown): string {
  if (isErrorLike(err)) return err.name && err.name !== 'Error' ? `${err.name}: ${err.message}` : err.message;
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err) ?? String(err);
  } catch {
    return String(err);
  }
}

export function isErrorLike(err: unknown): err is { name?: string; message: string; cause?: unknown } {
  return typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string';
}
