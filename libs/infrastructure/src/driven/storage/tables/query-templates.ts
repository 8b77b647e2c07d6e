import { CompiledQuery, type Compilable } from 'kysely';
import type { Db } from './support';

/**
 * Compiled-once queries for the hot path. kysely builds and compiles a query on every call, which
 * costs several times what SQLite needs to run it (a trade is ~6 statements). For a statement
 * whose SQL depends only on a known `shape`, the first call builds it with a unique sentinel
 * string per parameter, compiles it, and records where each sentinel landed in the parameter list;
 * later calls only put the new values in those slots. The SQL is still kysely's, so it stays
 * portable; the cache belongs to one storage (one dialect), never to the module.
 */
export class QueryTemplates {
  private readonly compiled = new Map<string, Template>();

  async run<P extends object, R>(db: Db, shape: string, params: P, build: (p: P) => Compilable<R>): Promise<R[]> {
    let t = this.compiled.get(shape);
    if (!t) {
      t = compileTemplate(params, build);
      this.compiled.set(shape, t);
    }
    const result = await db.executeQuery<R>(CompiledQuery.raw(t.sql, bindTemplate(t, params)));
    return result.rows;
  }

  /**
   * `run` for a multi-row statement: the SQL depends only on the row count, so it is compiled once
   * per count (`<shape>:<count>`). `build` gets rows of the same keys whose values are placeholders.
   */
  async runRows<Row extends object, R>(db: Db, shape: string, rows: readonly Row[], build: (rows: Row[]) => Compilable<R>): Promise<R[]> {
    const params: Record<string, unknown> = {};
    rows.forEach((row, i) => {
      for (const [k, v] of Object.entries(row)) params[`${i}.${k}`] = v;
    });
    const keys = rows.map((row) => Object.keys(row));
    return this.run(db, `${shape}:${rows.length}`, params, (p) => build(keys.map((ks, i) => Object.fromEntries(ks.map((k) => [k, p[`${i}.${k}`]])) as Row)));
  }

  /** How many shapes are compiled (for tests). */
  get size(): number {
    return this.compiled.size;
  }
}

type Slot = { kind: 'param'; name: string } | { kind: 'const'; value: unknown };
/** A query's SQL as kysely compiles it, and where each named parameter goes in its parameter list. */
export interface Template {
  sql: string;
  slots: Slot[];
}

const MARK = '\u0001cab-param:';

/** `sql` with the values of `params` in its parameter slots (the array the driver binds). */
export function bindTemplate(t: Template, params: object): unknown[] {
  const values = params as Record<string, unknown>;
  return t.slots.map((slot) => (slot.kind === 'param' ? values[slot.name] : slot.value));
}

export function compileTemplate<P extends object, R>(params: P, build: (p: P) => Compilable<R>): Template {
  const names = Object.keys(params);
  const sentinels = Object.fromEntries(names.map((n) => [n, `${MARK}${n}\u0001`])) as unknown as P;
  const { sql, parameters } = build(sentinels).compile();
  if (sql.includes(MARK)) throw new Error(`query template inlined a parameter into its SQL: ${sql}`);
  const seen = new Set<string>();
  const slots: Slot[] = parameters.map((value) => {
    if (typeof value === 'string' && value.startsWith(MARK)) {
      const name = value.slice(MARK.length, -1);
      seen.add(name);
      return { kind: 'param', name };
    }
    return { kind: 'const', value };
  });
  const unused = names.filter((n) => !seen.has(n));
  if (unused.length > 0) throw new Error(`query template ignores parameters ${unused.join(', ')}: ${sql}`);
  return { sql, slots };
}
