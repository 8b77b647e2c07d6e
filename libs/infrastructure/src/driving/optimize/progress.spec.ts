import { progressLine } from './progress';

describe('the progress line', () => {
  it('on a terminal: redrawn in place with done/total, speed and ETA, ended by a newline', () => {
    let t = 0;
    const out: string[] = [];
    const p = progressLine({ total: 100, write: (s) => out.push(s), isTty: true, now: () => t });
    t = 10_000;
    p.tick(25);
    t = 20_000;
    p.tick(50);
    p.end();
    expect(out).toEqual(['\r25/100 backtests (25 %), 2.5/s, ETA 30s\x1b[K', '\r50/100 backtests (50 %), 2.5/s, ETA 20s\x1b[K', '\n']);
  });

  it('elsewhere (a log, a pipe): plain lines, one per tenth of the work', () => {
    let t = 0;
    const out: string[] = [];
    const p = progressLine({ total: 40, write: (s) => out.push(s), isTty: false, now: () => t });
    for (let d = 1; d <= 40; d++) {
      t = d * 1000;
      p.tick(d);
    }
    p.end();
    expect(out).toHaveLength(11);
    expect(out.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true);
    expect(out[out.length - 1]).toBe('40/40 backtests (100 %), 1.0/s, ETA 0s\n');
  });
});
