/**
 * A Gate.io API error: HTTP status plus Gate's `{label, message}` body. ccxt maps the label to its
 * exception class (tools/exchange-emulator/README.md, "Rejections with Gate's labels"), so the labels here are Gate's real ones.
 */
export class GateError extends Error {
  constructor(
    readonly status: number,
    readonly label: string,
    message: string,
  ) {
    super(message);
  }

  body(): { label: string; message: string } {
    return { label: this.label, message: this.message };
  }
}

export const badParam = (message: string): GateError => new GateError(400, 'INVALID_PARAM_VALUE', message);
export const badPair = (pair: string): GateError => new GateError(400, 'INVALID_CURRENCY_PAIR', `Invalid currency pair ${pair}`);
