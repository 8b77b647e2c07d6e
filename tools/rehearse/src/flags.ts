export interface RehearseFlags {
  seed: number;
  cycles: number;
  maxMinutes: number;
  /** Where to write the summary as JSON (the spec reads it); null = print only. */
  report: string | null;
  /** Keep the work folder (database, child logs) even when the run passes. */
  keep: boolean;
}

export const USAGE = `npm run rehearse -- [--cycles N] [--seed S] [--max-minutes M] [--report FILE.json] [--keep]

  A live bot (MODE=live, real ccxt) against the in-process exchange emulator on 127.0.0.1:
  faults on creates and reads, kill -9 at random moments and around order sends, then faults
  off and a final reconcile. Exit 0 when no duplicate, no lost fill and no position difference
  above dust; 1 otherwise; 2 on a usage error.

  --cycles N        kill/restart cycles (default 100)
  --seed S          seeds faults, kill points and signals (default 1)
  --max-minutes M   stop starting cycles after M minutes (default 60); fewer cycles than asked fails
  --report FILE     also write the summary as JSON
  --keep            keep the work folder (database, child logs) even when the run passes`;

export type FlagsResult = { ok: true; flags: RehearseFlags } | { ok: false; problems: string[] } | { ok: 'help' };

/** Parses argv (without node and the script); every problem at once. */
export function parseFlags(argv: readonly string[]): FlagsResult {
  const flags: RehearseFlags = { seed: 1, cycles: 100, maxMinutes: 60, report: null, keep: false };
  const problems: string[] = [];
  const positive = (name: string, v: string | undefined, integer: boolean): number | null => {
    const n = Number(v);
    if (v === undefined || v.trim() === '' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
      problems.push(`${name}: expected a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(v ?? '')}`);
      return null;
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (name) {
      case '--help':
      case '-h':
        return { ok: 'help' };
      case '--seed': {
        const v = value();
        const n = Number(v);
        if (v === undefined || !Number.isInteger(n) || n < 0) problems.push(`--seed: expected an integer >= 0, got ${JSON.stringify(v ?? '')}`);
        else flags.seed = n;
        break;
      }
      case '--cycles': {
        const n = positive('--cycles', value(), true);
        if (n !== null) flags.cycles = n;
        break;
      }
      case '--max-minutes': {
        const n = positive('--max-minutes', value(), false);
        if (n !== null) flags.maxMinutes = n;
        break;
      }
      case '--report': {
        const v = value();
        if (v === undefined || v === '') problems.push('--report: expected a file name');
        else flags.report = v;
        break;
      }
      case '--keep':
        flags.keep = true;
        break;
      default:
        problems.push(`unknown argument ${JSON.stringify(arg)}`);
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, flags };
}
