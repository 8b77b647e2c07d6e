import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** Parses a YAML file (merge keys `<<:` resolved, as docker compose does). */
export function readYaml<T = unknown>(file: string): T {
  return parse(readFileSync(file, 'utf8'), { merge: true }) as T;
}
