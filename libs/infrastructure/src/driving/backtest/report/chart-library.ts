import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * TradingView Lightweight Charts, inlined into the page so the report opens offline from a file.
 * Read from the installed package (pinned in package.json) at render time, resolved through
 * require.resolve: the same from the sources, jest and the built CLI bundle in dist/apps/cli
 * (which leaves npm packages as requires). Only `package.json` is exported by the package, so the
 * standalone build is found beside it.
 */
export interface ChartLibrary {
  version: string;
  /** The standalone production build (defines window.LightweightCharts), its own license header first. */
  source: string;
}

let cached: ChartLibrary | null = null;

export function chartLibrary(): ChartLibrary {
  if (cached) return cached;
  const pkgFile = require.resolve('lightweight-charts/package.json');
  const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { version: string };
  const source = fs.readFileSync(path.join(path.dirname(pkgFile), 'dist', 'lightweight-charts.standalone.production.js'), 'utf8');
  // Inlined in a <script>: a closing tag in it would end the script early.
  if (/<\/script/i.test(source)) throw new Error('lightweight-charts: the standalone build contains "</script": it cannot be inlined');
  cached = { version: pkg.version, source };
  return cached;
}
