/** A user's mistake in the arguments of `cab backtest`: printed without a stack, exit 2. */
export class BacktestArgsError extends Error {
  override name = 'BacktestArgsError';
}
