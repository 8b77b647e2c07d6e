// `cab`: the command line (yargs). Composition only; each command's logic lives in the libs.
import { runMain } from '@cab/infrastructure';
import { runCli } from './cli';

void runMain('cab', () =>
  runCli(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
  }),
);
