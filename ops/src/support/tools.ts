import { execFileSync } from 'node:child_process';

/**
 * Finds a command on PATH. Missing on a developer machine: null (the caller skips LOUDLY);
 * missing in CI (CI=true): throws, so a CI without the tools fails instead of passing quietly.
 */
export function findTool(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    if (env['CI'] === 'true')
      throw new Error(`${name} is not installed and CI=true: .ci/run must install it (Debian packages prometheus, prometheus-alertmanager)`);
    process.stderr.write(`\n######## ops: ${name} not installed: the checks that need it are SKIPPED ########\n\n`);
    return null;
  }
}
