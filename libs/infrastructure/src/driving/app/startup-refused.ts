/**
 * The bot refuses to start for a reason the operator can fix (live mode without API_TOKEN, the
 * instance lock held, live keys missing): runMain prints the message and exits 2, no stack.
 */
export class StartupRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'StartupRefused';
  }
}
