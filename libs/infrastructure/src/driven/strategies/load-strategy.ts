import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as domain from '@cab/domain';
import {
  err,
  isStrategyDefinition,
  isStrategyName,
  ok,
  STRATEGY_NAMES,
  strategyDefinition,
  strategyFactory,
  type Result,
  type StrategyDefinition,
  type StrategyFactory,
} from '@cab/domain';
import { createJiti } from 'jiti';

type Jiti = ReturnType<typeof createJiti>;

export interface LoadStrategyOptions {
  /** STRATEGY_PATH / --strategy-path: the folder holding `<name>.ts` or `<name>.js`. */
  strategyPath?: string;
  /** Parameters over the strategy's defaults (STRATEGY_PARAMS, --params). */
  params?: Record<string, unknown>;
  /** Where a relative strategyPath and an npm package name are resolved from (default: the working folder). */
  cwd?: string;
}

/** What a strategy name resolved to: a built-in, a file in the strategy folder, or an installed package. */
export interface LoadedDefinition {
  readonly definition: StrategyDefinition<object>;
  /** The file it was loaded from; null for a built-in. */
  readonly file: string | null;
}

/** File extensions tried in the strategy folder, in this order. */
export const STRATEGY_FILE_EXTENSIONS = ['.ts', '.js', '.mts', '.mjs', '.cts', '.cjs'] as const;

let jiti: Jiti | null = null;

/**
 * One loader for every plug-in (docs/strategies.md). jiti compiles TypeScript on load, so a
 * strategy needs no build step; `@cab/domain` is handed to the module as the bot's own copy
 * (virtualModules), so a plug-in works from any folder — a temp folder included — and shares the
 * bot's classes instead of loading a second domain.
 */
function loader(): Jiti {
  jiti ??= createJiti(__filename, {
    virtualModules: { '@cab/domain': domain },
    // A strategy file is read fresh on every start (no stale cache after an edit); it is small.
    fsCache: false,
    moduleCache: false,
    interopDefault: false,
  });
  return jiti;
}

/**
 * The definition a strategy name names: a built-in (ema_cross_rsi, mean_reversion), else
 * `<strategyPath>/<name>.ts|.js|…`, else an npm package of that name resolved from `cwd`.
 * The module's definition is the default export, an export named `strategy`, or its one export
 * that is a definition. A plug-in runs under the name it was asked by (its file or package name),
 * so a copied file runs by its new name. The error is one line for a person, never a stack.
 */
export function loadStrategyDefinition(name: string, opts: Omit<LoadStrategyOptions, 'params'> = {}): Result<LoadedDefinition, string> {
  const trimmed = name.trim();
  if (isStrategyName(trimmed)) return ok({ definition: strategyDefinition(trimmed) as StrategyDefinition<object>, file: null });
  if (trimmed === '') return err(`strategy: empty name; one of ${STRATEGY_NAMES.join(', ')} or a plug-in's file name`);
  const cwd = opts.cwd ?? process.cwd();
  const located = locate(trimmed, opts.strategyPath, cwd);
  if (!located.ok) return located;
  let mod: unknown;
  try {
    mod = loader()(located.value);
  } catch (e) {
    return err(`strategy ${JSON.stringify(trimmed)}: cannot load ${located.value}: ${firstLine(e)}`);
  }
  const def = pickDefinition(mod);
  if (!def)
    return err(
      `strategy ${JSON.stringify(trimmed)}: ${located.value} exports no strategy (export default defineStrategy({...}) from @cab/domain; see docs/strategies.md)`,
    );
  return ok({ definition: def.name === trimmed ? def : renamed(def, trimmed), file: located.value });
}

/**
 * `loadStrategyDefinition` and the parameters checked over its defaults: a factory of running
 * strategies, or every problem at once (a load failure is one problem naming the strategy). The one call paper, live,
 * backtest and optimize use to turn STRATEGY / --strategy into a strategy.
 */
export function loadStrategy(name: string, opts: LoadStrategyOptions = {}): Result<StrategyFactory, readonly string[]> {
  const loaded = loadStrategyDefinition(name, opts);
  if (!loaded.ok) return err([loaded.error]);
  return strategyFactory(loaded.value.definition, opts.params ?? {});
}

function locate(name: string, strategyPath: string | undefined, cwd: string): Result<string, string> {
  const tried: string[] = [];
  // A name is a file name, never a path: "../x" must not reach outside the strategy folder.
  const plainName = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name);
  if (strategyPath !== undefined && strategyPath.trim() !== '' && plainName) {
    const dir = path.resolve(cwd, strategyPath);
    for (const ext of STRATEGY_FILE_EXTENSIONS) {
      const file = path.join(dir, `${name}${ext}`);
      if (isFile(file)) return ok(file);
    }
    tried.push(`no ${name}.ts or ${name}.js in ${dir}`);
  }
  // An npm package (plain or @scope/name) installed where the bot runs.
  if (/^(@[a-z0-9._-]+\/)?[a-z0-9._-]+$/i.test(name)) {
    try {
      return ok(createRequire(path.join(cwd, 'package.json')).resolve(name));
    } catch {
      tried.push(`no npm package ${name} installed in ${cwd}`);
    }
  }
  const where = strategyPath ? tried.join('; ') : `${tried.join('; ')}; set STRATEGY_PATH (or --strategy-path DIR) to load a plug-in from a folder`;
  return err(`strategy ${JSON.stringify(name)}: not a built-in (${STRATEGY_NAMES.join(', ')}); ${where}`);
}

function pickDefinition(mod: unknown): StrategyDefinition<object> | null {
  if (mod === null || (typeof mod !== 'object' && typeof mod !== 'function')) return null;
  const m = mod as Record<string, unknown>;
  if (isStrategyDefinition(m['default'])) return m['default'];
  if (isStrategyDefinition(m['strategy'])) return m['strategy'];
  if (isStrategyDefinition(mod)) return mod;
  const found = Object.values(m).filter(isStrategyDefinition);
  return found.length === 1 ? (found[0] as StrategyDefinition<object>) : null;
}

/** The same definition under another name (a copied file runs by its file name). */
function renamed(def: StrategyDefinition<object>, name: string): StrategyDefinition<object> {
  return {
    name,
    defaults: def.defaults,
    validate: (p) => def.validate(p),
    create: (p) => def.create(p),
    ...(def.description !== undefined ? { description: def.description } : {}),
    ...(def.parameters !== undefined ? { parameters: def.parameters } : {}),
  };
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The error's message, first line only: a syntax error's frame and a stack are for the author's editor, not the bot's log. */
function firstLine(e: unknown): string {
  // By shape, not instanceof: what jiti throws may come from another realm.
  const x = e !== null && typeof e === 'object' ? (e as { name?: unknown; message?: unknown }) : null;
  const text = x && typeof x.message === 'string' ? `${x.name === 'Error' || typeof x.name !== 'string' ? '' : `${x.name}: `}${x.message}` : String(e);
  return text.split('\n')[0] ?? text;
}
