import * as path from 'node:path';
import type { EnvReader } from './env-reader';
import { Secret } from './secret';

export type ReadFile = (absolutePath: string) => string;

/** Names a secrets file (SECRETS_FILE, JSON) may hold. Lower-case spellings are accepted too. */
export const SECRET_NAMES = ['API_KEY', 'API_SECRET', 'API_TOKEN', 'TELEGRAM_BOT_TOKEN', 'TELEGRAM_BOT_SECRET', 'DB_URL'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

/**
 * Resolves secrets from the four places the seed allows: NAME, NAME_FILE (a path), NAME_B64
 * (base64) or SECRETS_FILE (JSON object). Exactly one place per secret: two places that both set
 * it are an error, since a trader who rotates one and forgets the other would trade on the wrong
 * key without knowing. Problems name the variable, never the value.
 */
export class SecretResolver {
  private bundle: Partial<Record<SecretName, string>> = {};

  constructor(
    private readonly env: EnvReader,
    private readonly cwd: string,
    private readonly readFile: ReadFile,
  ) {
    this.loadBundle();
  }

  get(name: SecretName): Secret | null {
    const sources: { label: string; value: () => string | null }[] = [];
    const direct = this.env.raw(name);
    if (direct !== undefined) sources.push({ label: name, value: () => direct });
    const file = this.env.raw(`${name}_FILE`);
    if (file !== undefined) sources.push({ label: `${name}_FILE`, value: () => this.fromFile(`${name}_FILE`, file) });
    const b64 = this.env.raw(`${name}_B64`);
    if (b64 !== undefined) sources.push({ label: `${name}_B64`, value: () => this.fromBase64(`${name}_B64`, b64) });
    const bundled = this.bundle[name];
    if (bundled !== undefined) sources.push({ label: `SECRETS_FILE (${name})`, value: () => bundled });

    if (sources.length === 0) return null;
    if (sources.length > 1) {
      this.env.problem(`${name}: set in more than one place (${sources.map((s) => s.label).join(', ')}); keep exactly one`);
      return null;
    }
    const value = sources[0]?.value() ?? null;
    if (value === null) return null;
    if (value.trim() === '') {
      this.env.problem(`${sources[0]?.label}: the secret is empty`);
      return null;
    }
    return new Secret(value.trim());
  }

  private loadBundle(): void {
    const file = this.env.raw('SECRETS_FILE');
    if (file === undefined) return;
    const text = this.fromFile('SECRETS_FILE', file);
    if (text === null) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Never echo the parser's message: it quotes the file's content, which holds secrets.
      this.env.problem(`SECRETS_FILE: ${file} is not valid JSON`);
      return;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      this.env.problem(`SECRETS_FILE: ${file} must hold a JSON object such as {"API_KEY": "…", "API_SECRET": "…"}`);
      return;
    }
    const unknown: string[] = [];
    for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
      const name = SECRET_NAMES.find((n) => n === key.toUpperCase());
      if (name === undefined) {
        unknown.push(key);
        continue;
      }
      if (typeof value !== 'string') {
        this.env.problem(`SECRETS_FILE: "${key}" must be a string`);
        continue;
      }
      this.bundle[name] = value;
    }
    if (unknown.length > 0)
      this.env.problem(`SECRETS_FILE: unknown key(s) ${unknown.map((k) => JSON.stringify(k)).join(', ')}; expected ${SECRET_NAMES.join(', ')}`);
  }

  private fromFile(variable: string, file: string): string | null {
    const abs = path.resolve(this.cwd, file);
    try {
      return this.readFile(abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
      this.env.problem(`${variable}: cannot read ${abs} (${code})`);
      return null;
    }
  }

  private fromBase64(variable: string, b64: string): string | null {
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(b64) || b64.length % 4 === 1) {
      this.env.problem(`${variable}: not valid base64`);
      return null;
    }
    return Buffer.from(b64, 'base64').toString('utf8');
  }
}
