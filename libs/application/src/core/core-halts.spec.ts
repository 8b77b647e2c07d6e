import { CoreHalts } from './core-halts';

describe('CoreHalts: the one record of the halts in force', () => {
  it('keeps each halt with its reason and since; a new reason alone is no change of state; the list is oldest first', () => {
    const halts = new CoreHalts();
    expect(halts.set('RISK.DAILY_LOSS', 'reducing', 'loss 3 %', 2_000)).toBe(true);
    expect(halts.set('OPERATOR', 'halted', 'by hand', 1_000)).toBe(true);
    expect(halts.state()).toBe('halted');
    // The same level with a newer reason: the reason follows, the halt keeps its since.
    expect(halts.set('RISK.DAILY_LOSS', 'reducing', 'loss 4 %', 3_000)).toBe(false);
    expect(halts.list()).toEqual([
      { code: 'OPERATOR', level: 'halted', reason: 'by hand', since: 1_000 },
      { code: 'RISK.DAILY_LOSS', level: 'reducing', reason: 'loss 4 %', since: 2_000 },
    ]);
    expect(halts.clear('OPERATOR')).toBe(true);
    expect(halts.clear('OPERATOR')).toBe(false);
    expect(halts.state()).toBe('reducing');
    // A copy: a caller cannot change the record.
    halts.list()[0]!.reason = 'changed';
    expect(halts.reason('RISK.DAILY_LOSS')).toBe('loss 4 %');
  });
});
