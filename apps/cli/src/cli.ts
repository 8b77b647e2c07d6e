import yargs from 'yargs';
import { APP_VERSION, formatSummary, loadSettings, settingsSummary, SettingsError } from '@cab/infrastructure';

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

/** Exit codes: 0 ok, 1 a check failed or a bug, 2 the user's input is wrong (arguments or settings). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/**
 * The `cab` command line. Commands are added by the issues that build them (smoke, maintenance,
 * reconcile, health-monitor, performance, backtest, data); this foundation has `settings`.
 */
/** A mistake in the arguments: usage is printed, not a stack. */
class UsageError extends Error {}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const parser = yargs([...argv])
    .scriptName('cab')
    .version(APP_VERSION)
    .usage('crypto-ai-bot command line\n\nUsage: cab <command> [options]')
    .command(
      'settings',
      'Validate the settings (ENV and .env) and print them, secrets masked',
      (y) => y.option('json', { type: 'boolean', default: false, describe: 'print JSON instead of a table' }),
      (args) => {
        const settings = loadSettings();
        io.stdout(args.json ? `${JSON.stringify(settings, null, 2)}\n` : `${formatSummary(settingsSummary(settings))}\n`);
      },
    )
    .demandCommand(1, 'Name a command.')
    .strict()
    .help()
    .alias('h', 'help')
    .exitProcess(false)
    .fail((msg, err) => {
      // Throwing stops yargs before it runs a command handler with invalid arguments.
      throw err ?? new UsageError(msg);
    });

  try {
    let output = '';
    await parser.parseAsync([...argv], {}, (_err, _argv, out) => {
      output = out;
    });
    if (output) io.stdout(`${output}\n`);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`${await parser.getHelp()}\n\n${e.message}\n`);
      return EXIT.usage;
    }
    if (e instanceof SettingsError) {
      io.stderr(`cab: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
  return EXIT.ok;
}
