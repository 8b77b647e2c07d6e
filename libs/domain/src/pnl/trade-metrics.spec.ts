import { dec, str, type Decimal } from '../money/decimal';
import { tradeMetrics } from './trade-metrics';

const trades = (xs: string[]) => xs.map((x) => ({ pnlQuote: dec(x) }));
const s = (d: Decimal | null) => (d === null ? null : str(d));

describe('tradeMetrics', () => {
  it('expectancy, average and extreme win and loss, streaks', () => {
    const m = tradeMetrics(trades(['1.5', '2', '-1', '-0.5', '-3', '0', '4', '1', '1', '-0.25']));
    expect(s(m.expectancyQuote)).toBe('0.475'); // 4.75 / 10
    expect(s(m.avgWinQuote)).toBe('1.9'); // 9.5 / 5
    expect(s(m.avgLossQuote)).toBe('-1.1875'); // −4.75 / 4
    expect(s(m.largestWinQuote)).toBe('4');
    expect(s(m.largestLossQuote)).toBe('-3');
    expect(m.maxWinStreak).toBe(3); // 4, 1, 1 (the 0 ended nothing of theirs)
    expect(m.maxLossStreak).toBe(3); // −1, −0.5, −3
  });

  it('a trade at exactly zero ends a streak', () => {
    expect(tradeMetrics(trades(['1', '0', '1', '1'])).maxWinStreak).toBe(2);
    expect(tradeMetrics(trades(['-1', '0', '-1'])).maxLossStreak).toBe(1);
  });

  it('nothing to average without trades, wins or losses', () => {
    expect(tradeMetrics([])).toEqual({
      expectancyQuote: null,
      avgWinQuote: null,
      avgLossQuote: null,
      largestWinQuote: null,
      largestLossQuote: null,
      maxWinStreak: 0,
      maxLossStreak: 0,
    });
    const wins = tradeMetrics(trades(['2', '3']));
    expect(wins.avgLossQuote).toBeNull();
    expect(wins.largestLossQuote).toBeNull();
    expect(s(wins.largestWinQuote)).toBe('3');
  });
});
