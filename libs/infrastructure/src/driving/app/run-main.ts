import { SettingsError } from '../../settings/settings-error';
import { StartupRefused } from './startup-refused';
import { Redactor } from '../../driven/logging/redact';
import { version } from '../../../../../package.json';

export const APP_VERSION: string = version;

export interface MainIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

const processIo: MainIo = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
};

/**
 * Runs an app's main function and turns its outcome into an exit code. A user's mistake
 * (SettingsError, StartupRefused) prints its message and exits 2 with no stack trace; anything else is a bug and
 * prints its stack (with known secrets masked) and exits 1.
 */
export async function runMain(name: string, main: () => Promise<number | void>, io: MainIo = processIo, secrets: readonly string[] = []): Promise<number> {
  let code: number;
  try {
    code = (await main()) ?? 0;
  } catch (e) {
    if (e instanceof SettingsError || e instanceof StartupRefused) {
      io.stderr(`${name}: ${e.message}\n`);
      code = 2;
    } else {
      const redactor = new Redactor(secrets);
      const text = e instanceof Error ? (e.stack ?? e.message) : String(e);
      io.stderr(`${name}: unexpected error (a bug; please report it): ${redactor.text(text)}\n`);
      code = 1;
    }
  }
  process.exitCode = code;
  return code;
}
