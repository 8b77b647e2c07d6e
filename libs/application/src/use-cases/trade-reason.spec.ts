import { tradeReasonOf } from './trade-reason';

describe('tradeReasonOf', () => {
  it.each([
    ['signal: EMA cross up, RSI 55', 'signal'],
    ['exit EXIT.STOP_LOSS: price 38000 <= stop 38000', 'stop'],
    ['exit EXIT.TAKE_PROFIT: price 52000 >= 52000', 'stop'],
    ['exit EXIT.TRAILING_STOP: price 49000 <= trail 49010', 'trailing'],
    // A force exit is the operator's decision, not a stop the exit rules fired.
    ['exit FORCE: operator dashboard dashboard session 1a2b3c', 'manual'],
    ['exit FORCE: operator telegram 4242', 'manual'],
    ['exit OPERATOR.FORCE_EXIT: by dashboard dashboard session 1a2b3c', 'manual'],
    ['adopted: order found on the exchange', 'reconcile'],
    ['reconcile: settled', 'reconcile'],
    [null, 'manual'],
  ])('%s → %s', (reason, kind) => {
    expect(tradeReasonOf(reason)).toBe(kind);
  });
});
