import { inspect } from 'node:util';

const MASK = '***';

/**
 * A secret value (API key, bot token). Every string form of it is masked — String(), template
 * literals, JSON.stringify, util.inspect and console.log — so a settings object or an error that
 * carries one can be printed or logged without leaking it. Only `reveal()` gives the value, and
 * only the adapter that needs it (ccxt, the Telegram client, the auth check) should call it.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return MASK;
  }

  toJSON(): string {
    return MASK;
  }

  [inspect.custom](): string {
    return `Secret(${MASK})`;
  }
}

export const SECRET_MASK = MASK;
