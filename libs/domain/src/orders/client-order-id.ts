/**
 * What a venue accepts as a client order id: a fixed prefix, then characters of one class, at
 * most `maxLength` characters in all (prefix included). The domain knows no venue: each venue
 * adapter declares its format (its VenueCapabilities), and the order path derives ids in it.
 */
export interface ClientIdFormat {
  /** Required leading text, e.g. Gate's "t-" (may be empty). */
  readonly prefix: string;
  /** Longest id, prefix included. */
  readonly maxLength: number;
  /** The characters allowed after the prefix, as a one-character class, e.g. /[0-9A-Za-z_.-]/. */
  readonly bodyChar: RegExp;
}

/** Length of the fingerprint that keeps distinct keys apart when the readable id does not fit: two base-36 FNV-1a hashes. */
const FINGERPRINT_CHARS = 14;

/** Formats already validated (an order path derives an id per order; a venue declares its format once). */
const checked = new WeakSet<ClientIdFormat>();

const CANONICAL_KEY_RE = /^[A-Z0-9]+\/[A-Z0-9]+:(buy|sell):\d+$/;

/**
 * Refuses a format the derivation cannot honour: the fingerprint needs [0-9a-z] and 15 characters
 * after the prefix (a separator, or one more readable character, and the fingerprint).
 */
export function validateClientIdFormat(f: ClientIdFormat): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(f.maxLength) || f.maxLength < f.prefix.length + FINGERPRINT_CHARS + 2)
    problems.push(`maxLength must be an integer >= prefix + ${FINGERPRINT_CHARS + 2}, got ${f.maxLength}`);
  if (![...'0123456789abcdefghijklmnopqrstuvwxyz'].every((c) => oneChar(f, c))) problems.push('bodyChar must allow [0-9a-z]');
  return problems;
}

/** True when `id` is in the venue's format. */
export function fitsClientIdFormat(id: string, f: ClientIdFormat): boolean {
  if (!id.startsWith(f.prefix) || id.length > f.maxLength || id.length <= f.prefix.length) return false;
  for (const c of id.slice(f.prefix.length)) if (!oneChar(f, c)) return false;
  return true;
}

/** FNV-1a (32 bit) of a string, from a given offset basis: a stable, dependency-free fingerprint. */
function fnv1a(s: string, basis: number): number {
  let h = basis >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * The client order id of an idempotency key in the venue's format, derived from the key alone (so
 * a restart derives the same id and can look the order up; docs/lessons.md #3). Readable when it
 * fits — `t-BTC_USDT-b-29123456` in Gate's format — otherwise a shortened readable part plus a
 * 64-bit fingerprint of the whole key, which keeps distinct keys apart.
 */
export function clientOrderId(key: string, f: ClientIdFormat): string {
  if (!checked.has(f)) {
    const problems = validateClientIdFormat(f);
    if (problems.length > 0) throw new RangeError(`client id format: ${problems.join('; ')}`);
    checked.add(f);
  }
  // The usual key (what idempotencyKey makes) in one pass over its characters, when the format
  // takes its characters; any other key by the rule below (the same id: see readableCanonical).
  if (takesCanonical(f)) {
    const fast = readableCanonical(key, f.prefix);
    if (fast !== null && fast.length <= f.maxLength) return fast;
  }
  const readable = key
    .replace(/\//g, '_')
    .replace(/:buy:/, '-b-')
    .replace(/:sell:/, '-s-');
  // Only a canonical key maps readably (that mapping is one-to-one, and never contains a "."),
  // so a readable id can never equal another key's id.
  const body = `${f.prefix}${readable}`;
  if (CANONICAL_KEY_RE.test(key) && fitsClientIdFormat(body, f)) return body;
  const hash = fnv1a(key, 0x811c9dc5).toString(36).padStart(7, '0') + fnv1a(key, 0x050c5d1f).toString(36).padStart(7, '0');
  // The separator keeps the fingerprint apart from the readable part; a venue without "." gets none
  // (the fingerprint has a fixed length at the end, so distinct keys stay distinct either way).
  const sep = oneChar(f, '.') ? '.' : '';
  const room = f.maxLength - f.prefix.length - FINGERPRINT_CHARS - sep.length;
  const kept = [...readable].filter((c) => oneChar(f, c)).join('');
  return `${f.prefix}${kept.slice(0, room)}${sep}${hash}`;
}

function oneChar(f: ClientIdFormat, c: string): boolean {
  f.bodyChar.lastIndex = 0; // a /g or /y class would otherwise remember where it stopped
  return f.bodyChar.test(c) && c.length === 1;
}

/** Formats whose body takes every character a readable canonical id has ([0-9A-Z], "_" and "-"). */
const canonicalFits = new WeakMap<ClientIdFormat, boolean>();

function takesCanonical(f: ClientIdFormat): boolean {
  let ok = canonicalFits.get(f);
  if (ok === undefined) {
    ok = [...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_-'].every((c) => oneChar(f, c));
    canonicalFits.set(f, ok);
  }
  return ok;
}

const isUpperOrDigit = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/**
 * For a key CANONICAL_KEY_RE matches (`BASE/QUOTE:buy|sell:BUCKET`), the readable id clientOrderId
 * derives from it (`<prefix>BASE_QUOTE-b-BUCKET`: its one "/" and its one side mark replaced), found
 * without regular expressions (they were ~15 % of an evaluation); null for any other key.
 */
function readableCanonical(key: string, prefix: string): string | null {
  const n = key.length;
  let i = 0;
  while (i < n && isUpperOrDigit(key.charCodeAt(i))) i++;
  if (i === 0 || i >= n || key.charCodeAt(i) !== 47 /* '/' */) return null;
  const slash = i++;
  while (i < n && isUpperOrDigit(key.charCodeAt(i))) i++;
  if (i === slash + 1 || i >= n || key.charCodeAt(i) !== 58 /* ':' */) return null;
  const colon = i;
  let mark: string;
  if (key.startsWith('buy:', colon + 1)) {
    mark = '-b-';
    i = colon + 5;
  } else if (key.startsWith('sell:', colon + 1)) {
    mark = '-s-';
    i = colon + 6;
  } else return null;
  const bucket = i;
  while (i < n && isDigit(key.charCodeAt(i))) i++;
  if (i === bucket || i !== n) return null;
  return `${prefix}${key.slice(0, slash)}_${key.slice(slash + 1, colon)}${mark}${key.slice(bucket)}`;
}
