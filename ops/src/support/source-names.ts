import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './paths';

const CATALOGUE_FILE = path.join(ROOT, 'libs/infrastructure/src/driven/metrics/metric-catalogue.ts');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'testing' || e.name === 'node_modules' ? [] : sources(p);
    return e.name.endsWith('.ts') && !/\.(spec|contract)\.ts$/.test(e.name) && e.name !== 'testing.ts' ? [p] : [];
  });
}

/**
 * Whether the catalogue (`METRIC_CATALOGUE`, passed in) declares a metric, and which production
 * files (libs/ and apps/, specs and test helpers excluded) name it as a string: the code that records it.
 */
export function whereNamed(catalogue: Iterable<string>): (name: string) => { declared: boolean; recordedIn: string[] } {
  const declared = new Set(catalogue);
  const files = [...sources(path.join(ROOT, 'libs')), ...sources(path.join(ROOT, 'apps'))].map((f) => ({ f, text: readFileSync(f, 'utf8') }));
  return (name) => {
    const re = new RegExp(`['"\`]${name}['"\`]`);
    const hits = files.filter((x) => re.test(x.text)).map((x) => path.relative(ROOT, x.f));
    return { declared: declared.has(name), recordedIn: hits.filter((h) => h !== path.relative(ROOT, CATALOGUE_FILE)) };
  };
}
