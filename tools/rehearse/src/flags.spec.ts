import { parseFlags } from './flags';

describe('npm run rehearse flags', () => {
  it('defaults: 100 cycles, seed 1, 60 minutes', () => {
    expect(parseFlags([])).toEqual({ ok: true, flags: { seed: 1, cycles: 100, maxMinutes: 60, report: null, keep: false } });
  });

  it('reads every flag, with a space or an equals sign', () => {
    expect(parseFlags(['--cycles', '10', '--seed=7', '--max-minutes', '2.5', '--report', 'r.json', '--keep'])).toEqual({
      ok: true,
      flags: { seed: 7, cycles: 10, maxMinutes: 2.5, report: 'r.json', keep: true },
    });
  });

  it('lists every problem at once', () => {
    expect(parseFlags(['--cycles', '0', '--seed', '-1', '--max-minutes', 'x', '--bogus'])).toEqual({
      ok: false,
      problems: [
        '--cycles: expected a positive integer, got "0"',
        '--seed: expected an integer >= 0, got "-1"',
        '--max-minutes: expected a positive number, got "x"',
        'unknown argument "--bogus"',
      ],
    });
    expect(parseFlags(['--help'])).toEqual({ ok: 'help' });
  });
});
