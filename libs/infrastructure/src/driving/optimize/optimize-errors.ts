/** A user's mistake in the arguments of `cab optimize`: printed without a stack, exit 2. */
export class OptimizeArgsError extends Error {
  override name = 'OptimizeArgsError';
}
