/** Field names whose values are always secret, whatever they hold. */
const SECRET_KEY = /(secret|token|password|passphrase|api[_-]?key|authorization|cookie|signature|^sign$)/i;
export const REDACTED = '[REDACTED]';
/** Shortest secret masked wherever its value appears in text. */
export const MIN_REDACTED_SECRET_LENGTH = 8;

/**
 * Removes secrets from a value before it is written anywhere: by key name (anything called
 * *secret*, *token*, apiKey, authorization …) and by value (every known secret string, wherever
 * it appears — inside a URL, an error message or a stack). Returns a copy; never mutates.
 */
export class Redactor {
  private values: string[] = [];

  constructor(secrets: readonly string[] = []) {
    for (const s of secrets) this.addSecret(s);
  }

  /**
   * Registers a secret value. Values shorter than MIN_REDACTED_SECRET_LENGTH are not masked by
   * value: a short one is likely part of ordinary text (a path, a word), and masking it there tells
   * a reader the secret ("/srv/[REDACTED]/data" for API_TOKEN=bot). Fields named like secrets are
   * still masked whatever they hold; settings refuse a live API_TOKEN that short.
   */
  addSecret(value: string): void {
    if (value.length >= MIN_REDACTED_SECRET_LENGTH && !this.values.includes(value)) {
      this.values.push(value);
      // Longest first, so a secret containing another is masked whole.
      this.values.sort((a, b) => b.length - a.length);
    }
  }

  text(s: string): string {
    let out = s;
    for (const v of this.values) if (out.includes(v)) out = out.split(v).join(REDACTED);
    return out;
  }

  value(v: unknown, depth = 0, ancestors = new WeakSet<object>()): unknown {
    if (typeof v === 'string') return this.text(v);
    if (v === null || typeof v !== 'object') return v;
    if (depth > 8) return '[depth limit]';
    // Only an object inside itself is circular: the same object twice side by side (a shared
    // ZERO in `{ filled, fee }`) is written twice.
    if (ancestors.has(v)) return '[circular]';
    ancestors.add(v);
    try {
      if (v instanceof Error) {
        return { name: v.name, message: this.text(v.message), stack: v.stack === undefined ? undefined : this.text(v.stack) };
      }
      if (Array.isArray(v)) return v.map((x) => this.value(x, depth + 1, ancestors));
      // Objects with their own JSON form (Secret, Big, Date) are written as that form.
      const toJSON = (v as { toJSON?: () => unknown }).toJSON;
      if (typeof toJSON === 'function') return this.value(toJSON.call(v), depth + 1, ancestors);
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v))
        out[k] = SECRET_KEY.test(k) && x !== null && x !== undefined && x !== '' ? REDACTED : this.value(x, depth + 1, ancestors);
      return out;
    } finally {
      ancestors.delete(v);
    }
  }
}
