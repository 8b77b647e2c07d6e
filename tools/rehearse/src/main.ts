// `npm run rehearse`: a live bot against the exchange emulator through faults and kill -9 (README.md).
import * as fs from 'node:fs';
import { parseFlags, USAGE } from './flags';
import { rehearse } from './rehearsal';
import { summaryTable } from './summary';

async function main(): Promise<number> {
  const parsed = parseFlags(process.argv.slice(2));
  if (parsed.ok === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (parsed.ok === false) {
    process.stderr.write(`${parsed.problems.join('\n')}\n\n${USAGE}\n`);
    return 2;
  }
  const { flags } = parsed;
  process.stdout.write(`rehearsal: ${flags.cycles} cycles, seed ${flags.seed}, at most ${flags.maxMinutes} min\n`);
  const result = await rehearse({ seed: flags.seed, cycles: flags.cycles, maxMinutes: flags.maxMinutes, log: (l) => process.stdout.write(`${l}\n`) });
  process.stdout.write(`\n${summaryTable(result)}\n`);
  if (flags.report) fs.writeFileSync(flags.report, `${JSON.stringify(result, null, 2)}\n`);
  if (result.passed && !flags.keep) fs.rmSync(result.workDir, { recursive: true, force: true });
  return result.passed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`rehearsal failed to run: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
