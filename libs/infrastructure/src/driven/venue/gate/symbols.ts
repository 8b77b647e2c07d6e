import { isGateClientOrderId } from './gate-capabilities';

/** Unified "BTC/USDT" ↔ Gate's "BTC_USDT". */
export function toGatePair(symbol: string): string {
  const m = /^([A-Z0-9]+)\/([A-Z0-9]+)$/.exec(symbol);
  if (!m) throw new RangeError(`not a spot symbol like BTC/USDT: ${JSON.stringify(symbol)}`);
  return `${m[1]}_${m[2]}`;
}

export function fromGatePair(pair: string): string {
  const m = /^([A-Z0-9]+)_([A-Z0-9]+)$/.exec(pair);
  if (!m) throw new RangeError(`not a Gate spot pair like BTC_USDT: ${JSON.stringify(pair)}`);
  return `${m[1]}/${m[2]}`;
}

/**
 * Gate's `text` for our client order id: "t-" + [0-9A-Za-z_.-], at most 28 characters in all
 * (ccxt refuses longer ids before sending, prefix included; see GATE_CLIENT_ID_FORMAT).
 * Ids already in that form go as they are, others get the prefix (and come back with it).
 */
export function toGateText(clientOrderId: string): string | null {
  const text = clientOrderId.startsWith('t-') ? clientOrderId : `t-${clientOrderId}`;
  return isGateClientOrderId(text) ? text : null;
}

/** Our client order id from Gate's `text`: only "t-…" texts are ours ("apiv4", "web" are not). */
export function fromGateText(text: unknown): string | null {
  return typeof text === 'string' && text.startsWith('t-') ? text : null;
}
