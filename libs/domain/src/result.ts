/**
 * A value, or the expected failure that prevented it. One shape for every "this can fail in a way
 * the caller must handle" answer in the code base (broker calls, market data, validated settings):
 * expected failures are values, exceptions are bugs. Narrow on `ok` before reading `value` or `error`.
 */
export type Result<T, E> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

/** A success carrying `value`. */
export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });

/** A failure carrying `error`. */
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });
