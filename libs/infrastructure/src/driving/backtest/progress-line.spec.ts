import { progressLine } from './progress-line';

describe('progressLine (cab backtest progress bar)', () => {
  it('shows the share done, the speed so far and the time left at that speed', () => {
    // 100,000 of 525,600 candles in 2 s: 50,000 candles/s, 425,600 left → 8.512 s → 0:09.
    expect(progressLine(100_000, 525_600, 2_000, 10)).toBe('[##........]  19 % 100,000/525,600 candles · 50,000 candles/s · ETA 0:09');
    // An hour and more left.
    expect(progressLine(1_000, 10_000_000, 1_000)).toMatch(/ · 1,000 candles\/s · ETA 2:46:39$/);
  });

  it('has no speed before any time passed, and no time left at the end', () => {
    expect(progressLine(0, 720, 0, 4)).toBe('[....]   0 % 0/720 candles · — candles/s · ETA —');
    expect(progressLine(720, 720, 360, 4)).toBe('[####] 100 % 720/720 candles · 2,000 candles/s · ETA 0:00');
  });
});
