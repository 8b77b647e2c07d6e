import { isoDay, isoMonth, utcDate, utcMidnight, utcMonthStart, utcWeekStart } from './calendar';

describe('UTC calendar arithmetic', () => {
  it('agrees with Date on every day from 1969 to 2101, both ways', () => {
    for (let t = Date.UTC(1969, 0, 1); t < Date.UTC(2101, 0, 1); t += 86_400_000) {
      const d = new Date(t);
      const want = { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate() };
      expect(utcDate(t + 12_345_678)).toEqual(want);
      expect(utcMidnight(want.y, want.m, want.d)).toBe(t);
    }
  });

  it('weeks start on Monday, months on the 1st', () => {
    // 2024-08-07 was a Wednesday; that week began on Monday 2024-08-05.
    expect(utcWeekStart(Date.UTC(2024, 7, 7, 15, 30))).toBe(Date.UTC(2024, 7, 5));
    expect(utcWeekStart(Date.UTC(2024, 7, 5))).toBe(Date.UTC(2024, 7, 5));
    expect(utcWeekStart(Date.UTC(2024, 7, 4, 23, 59))).toBe(Date.UTC(2024, 6, 29));
    expect(utcMonthStart(Date.UTC(2024, 1, 29, 23))).toBe(Date.UTC(2024, 1, 1));
    expect(isoDay(Date.UTC(2024, 1, 29, 23))).toBe('2024-02-29');
    expect(isoMonth(Date.UTC(2024, 11, 31, 23))).toBe('2024-12');
  });
});
