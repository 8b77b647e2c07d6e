/**
 * Every problem with the configuration, found in one pass, so a trader fixes them all at once
 * instead of restarting once per typo. Messages never quote a secret's value.
 */
export class SettingsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid settings (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SettingsError';
  }
}
