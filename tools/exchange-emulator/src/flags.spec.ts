import { describe, expect, it } from '@jest/globals';
import { parseFlags } from './flags';

describe('parseFlags', () => {
  it('has the documented defaults', () => {
    expect(parseFlags([])).toEqual({
      port: 8600,
      host: '127.0.0.1',
      apiKey: 'testkey',
      apiSecret: 'testsecret',
      balances: { USDT: '10000', BTC: '0' },
      prices: {},
    });
  });

  it('reads every flag, in both spellings', () => {
    expect(
      parseFlags([
        '--port',
        '9000',
        '--data=c.csv',
        '--api-key',
        'k',
        '--api-secret=s',
        '--balance',
        'USDT=500,BTC=0.5',
        '--price',
        'ETH_USDT=1800',
        '--candle-step-ms',
        '0',
      ]),
    ).toEqual({
      port: 9000,
      host: '127.0.0.1',
      data: 'c.csv',
      apiKey: 'k',
      apiSecret: 's',
      balances: { USDT: '500', BTC: '0.5' },
      prices: { ETH_USDT: '1800' },
      candleStepMs: 0,
    });
  });

  it('--clock-offset-sec: the venue clock ahead or behind', () => {
    expect(parseFlags(['--clock-offset-sec', '-300'])).toMatchObject({ clockOffsetSec: -300 });
    expect(parseFlags(['--clock-offset-sec=300'])).toMatchObject({ clockOffsetSec: 300 });
    expect(() => parseFlags(['--clock-offset-sec', '1.5'])).toThrow();
  });

  it.each([[['--port', 'x']], [['--balance', 'USDT']], [['--nope', '1']], [['--port']], [['stray']]])('refuses %j', (argv) => {
    expect(() => parseFlags(argv)).toThrow();
  });
});
