// Packs a built package and, from this repo's node_modules, every package it depends on (transitively),
// so that `npm install --offline <all the tarballs>` needs neither the registry nor npm's cache: each
// dependency range is met by a tarball given on the command line, so npm asks for no metadata.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

export interface Packed {
  /** absolute path of the tarball */
  tarball: string;
  /** the files inside it, as `npm pack` lists them */
  files: string[];
}

/** `npm pack <dir>` into `dest`, without running the package's scripts. */
export const pack = (dir: string, dest: string, env: NodeJS.ProcessEnv): Packed => {
  const out = execFileSync(npm, ['pack', dir, '--pack-destination', dest, '--json', '--ignore-scripts'], { encoding: 'utf8', env });
  const first = (JSON.parse(out) as { filename: string; files: { path: string }[] }[])[0];
  if (!first) throw new Error(`npm pack ${dir} printed nothing`);
  return { tarball: path.join(dest, first.filename), files: first.files.map((f) => f.path) };
};

const dependenciesOf = (dir: string): string[] =>
  Object.keys((JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {});

/**
 * Tarballs of `pkgDir`'s dependencies as installed under `nodeModules` (hoisted, as npm installs them
 * here), and of theirs. Throws when one is not installed: the offline install would fail less clearly.
 */
export const packDependencies = (pkgDir: string, nodeModules: string, dest: string, env: NodeJS.ProcessEnv): string[] => {
  const seen = new Set<string>();
  const tarballs: string[] = [];
  const queue = dependenciesOf(pkgDir);
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    if (seen.has(name)) continue;
    seen.add(name);
    const dir = path.join(nodeModules, name);
    if (!fs.existsSync(path.join(dir, 'package.json'))) throw new Error(`${name} is not installed in ${nodeModules}: run npm ci`);
    tarballs.push(pack(dir, dest, env).tarball);
    queue.push(...dependenciesOf(dir));
  }
  return tarballs;
};
