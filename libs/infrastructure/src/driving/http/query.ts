import { BadRequest } from './errors';

type Query = Record<string, unknown>;

/** An optional integer query parameter within [min, max]; anything else is a 400. */
export function intParam(q: Query, name: string, fallback: number | undefined, min: number, max: number): number | undefined {
  const raw = q[name];
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string' || !/^\d+$/.test(raw)) throw new BadRequest(`${name}: expected an integer, got ${JSON.stringify(raw)}`);
  const n = Number(raw);
  if (n < min || n > max) throw new BadRequest(`${name}: expected ${min}..${max}, got ${raw}`);
  return n;
}

export function stringParam(q: Query, name: string): string | undefined {
  const raw = q[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 64) throw new BadRequest(`${name}: expected one short value`);
  return raw;
}
