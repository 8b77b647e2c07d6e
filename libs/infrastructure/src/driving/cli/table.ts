/** A plain text table: a header row, a rule, then the rows; columns padded to their widest cell. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The result of a CLI command: an exit code and what to print. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr?: string;
}

export const ok = (stdout: string): CommandResult => ({ code: 0, stdout: stdout.endsWith('\n') ? stdout : `${stdout}\n` });
export const failed = (stdout: string, stderr?: string): CommandResult => ({
  code: 1,
  stdout: stdout && !stdout.endsWith('\n') ? `${stdout}\n` : stdout,
  ...(stderr ? { stderr } : {}),
});

export function json(value: unknown, code = 0): CommandResult {
  return { code, stdout: `${JSON.stringify(value, null, 2)}\n` };
}
